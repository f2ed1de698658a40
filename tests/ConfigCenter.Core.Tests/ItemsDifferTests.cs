namespace ConfigCenter.Core.Tests;

public class ItemsDifferTests
{
    private static readonly Dictionary<string, string?> Old = new()
    {
        ["Pool:Size"] = "10",
        ["Timeout"] = "30",
        ["Feature:Beta"] = "false",
        ["Obsolete"] = "x",
        ["Nullable"] = null,
    };

    [Fact]
    public void Compare_ShouldSortAddedChangedAndRemoved()
    {
        var @new = new Dictionary<string, string?>
        {
            ["Pool:Size"] = "50",
            ["Timeout"] = "30",
            ["Feature:Beta"] = "false",
            ["Zeta"] = "z",
            ["Alpha"] = "a",
            ["Nullable"] = "",
        };

        var diff = ItemsDiffer.Compare(Old, @new);

        Assert.Equal([new DiffEntry("Alpha", null, "a"), new DiffEntry("Zeta", null, "z")], diff.Added);
        Assert.Equal([new DiffEntry("Nullable", null, ""), new DiffEntry("Pool:Size", "10", "50")], diff.Changed);
        Assert.Equal([new DiffEntry("Obsolete", "x", null)], diff.Removed);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void Compare_ShouldMatchKeysIgnoringCaseButReportACaseOnlyChange()
    {
        var @new = new Dictionary<string, string?>(Old) { ["Obsolete"] = "x" };
        @new.Remove("Timeout");
        @new["TIMEOUT"] = "30";

        var diff = ItemsDiffer.Compare(Old, @new);

        Assert.Empty(diff.Added);
        Assert.Empty(diff.Removed);
        Assert.Equal(new DiffEntry("TIMEOUT", "30", "30"), Assert.Single(diff.Changed));
    }

    [Fact]
    public void Compare_ShouldCompareValuesOrdinally()
    {
        var diff = ItemsDiffer.Compare(
            new Dictionary<string, string?> { ["Mode"] = "fast" },
            new Dictionary<string, string?> { ["Mode"] = "Fast" });

        Assert.Equal(new DiffEntry("Mode", "fast", "Fast"), Assert.Single(diff.Changed));
    }

    [Fact]
    public void Compare_ShouldBeEmptyForEqualItems()
    {
        var diff = ItemsDiffer.Compare(Old, new Dictionary<string, string?>(Old));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Compare_ShouldSortKeysIgnoringCase()
    {
        var diff = ItemsDiffer.Compare(
            new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["b"] = "1", ["A"] = "2", ["c"] = "3", ["B2"] = "4" });

        Assert.Equal(["A", "b", "B2", "c"], diff.Added.Select(e => e.Key));
    }
}

using ConfigCenter.Contracts;

namespace ConfigCenter.Core.Tests;

public class ReleaseChecksumTests
{
    [Fact]
    public void Compute_ShouldIgnoreItemOrder()
    {
        KeyValuePair<string, string?>[] items =
        [
            new("Pool:Size", "50"),
            new("ConnectionStrings:Main", "Data Source=db"),
            new("Empty", null),
            new("b", "1"),
            new("A", "2"),
        ];

        Assert.Equal(ReleaseChecksum.Compute(items), ReleaseChecksum.Compute(items.Reverse()));
        Assert.Equal(ReleaseChecksum.Compute(items), ReleaseChecksum.Compute(items.OrderBy(i => i.Value, StringComparer.Ordinal)));
    }

    [Fact]
    public void Compute_ShouldChangeWhenAValueChanges()
    {
        var before = new Dictionary<string, string?> { ["Pool:Size"] = "50" };
        var after = new Dictionary<string, string?> { ["Pool:Size"] = "51" };

        Assert.NotEqual(ReleaseChecksum.Compute(before), ReleaseChecksum.Compute(after));
    }

    [Fact]
    public void Compute_ShouldTellNullFromEmpty()
    {
        var empty = new Dictionary<string, string?> { ["A"] = "" };
        var missing = new Dictionary<string, string?> { ["A"] = null };

        Assert.NotEqual(ReleaseChecksum.Compute(empty), ReleaseChecksum.Compute(missing));
    }

    [Fact]
    public void Compute_ShouldBeStableForTheSameDocumentInEitherFormat()
    {
        // A namespace switched from JSON to YAML with the same meaning must not look like a change.
        var json = DocumentFlattener.Flatten(NamespaceFormat.Json, """{ "Pool": { "Size": 50, "On": true }, "Hosts": ["a", "b"] }""");
        var yaml = DocumentFlattener.Flatten(NamespaceFormat.Yaml, "Hosts: [a, b]\nPool:\n  On: true\n  Size: 50\n");

        Assert.Equal(ReleaseChecksum.Compute(json.Items!), ReleaseChecksum.Compute(yaml.Items!));
    }

    [Fact]
    public void Compute_ShouldMatchAKnownValue()
    {
        // Pinned so a change in canonicalization (which would break every client's cache) fails loudly.
        var items = new Dictionary<string, string?> { ["b"] = "2", ["A"] = "1", ["n"] = null };

        Assert.Equal("""{"A":"1","b":"2","n":null}""", System.Text.Encoding.UTF8.GetString(ReleaseChecksum.Canonicalize(items)));
        Assert.Equal(
            "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""{"A":"1","b":"2","n":null}"""u8)),
            ReleaseChecksum.Compute(items));
    }
}

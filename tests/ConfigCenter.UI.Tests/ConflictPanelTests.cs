using Bunit;
using ConfigCenter.Server.Features.Drafts.Pages;

namespace ConfigCenter.UI.Tests;

public sealed class ConflictPanelTests : UiTestContext
{
    [Fact]
    public void Conflict_ShowsWhoChangedWhat_AndMyUnsavedChange()
    {
        var theirChanges = Diffs.Between(Diffs.Items(("Timeout", "30")), Diffs.Items(("Timeout", "60"), ("Retry", "3")));
        var conflict = new EditorConflict("alice", theirChanges, "Timeout = 45", () => Task.CompletedTask);

        var cut = Render<ConflictPanel>(ps => ps.Add(p => p.Conflict, conflict));

        Assert.Contains("alice changed this draft", cut.Markup);
        Assert.Contains("Timeout = 45", cut.Find("[data-testid=conflict-mine]").TextContent);
        var rows = cut.FindAll("[data-testid=diff-row]");
        Assert.Equal(["Retry", "Timeout"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Equal(["changed", "Timeout", "30", "60"], rows[1].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public void Conflict_LetsTheUserApplyOrDiscardTheirEdit()
    {
        var applied = 0;
        var discarded = 0;
        var conflict = new EditorConflict(null, Diffs.Between(Diffs.Items(("A", "1")), Diffs.Items(("A", "2"))), "A = 3", () => Task.CompletedTask);
        var cut = Render<ConflictPanel>(ps => ps
            .Add(p => p.Conflict, conflict)
            .Add(p => p.OnApplyMine, () => applied++)
            .Add(p => p.OnDiscardMine, () => discarded++));

        Assert.Contains("someone else changed this draft", cut.Markup);
        cut.Find("[data-testid=conflict-apply]").Click();
        cut.Find("[data-testid=conflict-discard]").Click();

        Assert.Equal((1, 1), (applied, discarded));
    }
}

using Bunit;
using ConfigCenter.Server.Features.Releases.Pages;
using MudBlazor;

namespace ConfigCenter.UI.Tests;

public sealed class HistoryDialogTests : UiTestContext
{
    [Fact]
    public void DiffOfTwoReleases_ShowsExactlyTheChangedKey_WithBothValues()
    {
        var r1 = Diffs.Items(("Pool:Size", "10"), ("Logging:Level", "Information"));
        var r2 = Diffs.Items(("Pool:Size", "50"), ("Logging:Level", "Information"));

        var cut = Render<DiffTable>(ps => ps.Add(p => p.Diff, Diffs.Between(r1, r2)).Add(p => p.OldLabel, "r1").Add(p => p.NewLabel, "r2"));

        var row = Assert.Single(cut.FindAll("[data-testid=diff-row]"));
        Assert.Equal("Pool:Size", row.GetAttribute("data-key"));
        Assert.Equal("changed", row.GetAttribute("data-kind"));
        Assert.Equal(["changed", "Pool:Size", "10", "50"], row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        Assert.Equal(["", "Key", "r1", "r2"], cut.FindAll("th").Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public void DiffOfIdenticalReleases_SaysSo()
    {
        var same = Diffs.Items(("A", "1"));
        var cut = Render<DiffTable>(ps => ps.Add(p => p.Diff, Diffs.Between(same, same)).Add(p => p.EmptyText, "The two releases have the same keys and values."));

        Assert.Empty(cut.FindAll("[data-testid=diff-row]"));
        Assert.Equal("The two releases have the same keys and values.", cut.Find("[data-testid=diff-empty]").TextContent.Trim());
    }

    [Fact]
    public async Task RollbackConfirmation_ShowsWhatWillChange_AndTheNewRevision()
    {
        var live = Diffs.Items(("Pool:Size", "50"), ("Extra", "x"));
        var target = Diffs.Items(("Pool:Size", "10"));
        var parameters = new DialogParameters<RollbackDialog>
        {
            { d => d.Diff, Diffs.Between(live, target) },
            { d => d.TargetRevision, 1L },
            { d => d.CurrentRevision, 2L },
        };

        var (provider, dialog) = await ShowDialogAsync(parameters);

        Assert.Contains("new release r3", provider.Markup);
        var rows = provider.FindAll("[data-testid=diff-row]");
        Assert.Equal(["Extra", "Pool:Size"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Equal(["removed", "changed"], rows.Select(r => r.GetAttribute("data-kind")));
        Assert.Contains("Roll back to r1", provider.Find("[data-testid=rollback-submit]").TextContent);

        provider.Find("#rollback-form").Submit();
        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal("Rollback to r1", result.Data);
    }

    [Fact]
    public async Task RollbackConfirmation_Cancelled_ReturnsNothing()
    {
        var parameters = new DialogParameters<RollbackDialog>
        {
            { d => d.Diff, Diffs.Between(Diffs.Items(("A", "2")), Diffs.Items(("A", "1"))) },
            { d => d.TargetRevision, 1L },
            { d => d.CurrentRevision, 2L },
        };
        var (provider, dialog) = await ShowDialogAsync(parameters);

        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.True((await dialog.Result)!.Canceled);
    }
}

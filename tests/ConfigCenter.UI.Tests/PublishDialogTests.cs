using Bunit;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Releases.Pages;
using MudBlazor;

namespace ConfigCenter.UI.Tests;

public sealed class PublishDialogTests : UiTestContext
{
    private static DialogParameters<PublishDialog> Parameters(ItemsDiff diff, long? live = 3, ValidationError? error = null) => new()
    {
        { d => d.Diff, diff },
        { d => d.LiveRevision, live },
        { d => d.Error, error },
        { d => d.Target, "shop/prod/application" },
    };

    [Fact]
    public async Task Dialog_ShowsAddedChangedAndRemovedKeys_LiveNextToDraft()
    {
        var diff = Diffs.Between(Diffs.Items(("Pool:Size", "10"), ("Old", "x"), ("Same", "1")), Diffs.Items(("Pool:Size", "50"), ("New", "y"), ("Same", "1")));

        var (provider, _) = await ShowDialogAsync(Parameters(diff));

        var rows = provider.FindAll("[data-testid=diff-row]");
        Assert.Equal(["New", "Old", "Pool:Size"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Equal(["added", "removed", "changed"], rows.Select(r => r.GetAttribute("data-kind")));
        var changed = rows.Single(r => r.GetAttribute("data-key") == "Pool:Size").QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["changed", "Pool:Size", "10", "50"], changed);
        Assert.Contains("1 added", provider.Find("[data-testid=diff-added-count]").TextContent);
        Assert.Contains("1 changed", provider.Find("[data-testid=diff-changed-count]").TextContent);
        Assert.Contains("1 removed", provider.Find("[data-testid=diff-removed-count]").TextContent);
        Assert.Contains("Live (r3)", provider.Markup);
        Assert.Contains("Publish r4", provider.Find("[data-testid=publish-submit]").TextContent);
    }

    [Fact]
    public async Task Dialog_WithNoChanges_DoesNotOfferPublishing()
    {
        var (provider, _) = await ShowDialogAsync(Parameters(new ItemsDiff([], [], [])));

        Assert.NotNull(provider.Find("[data-testid=publish-nothing]"));
        Assert.Empty(provider.FindAll("[data-testid=publish-submit]"));
    }

    [Fact]
    public async Task Dialog_WithAnInvalidDocument_ShowsWhereAndDoesNotOfferPublishing()
    {
        var (provider, _) = await ShowDialogAsync(Parameters(new ItemsDiff([], [], []), error: new ValidationError("content", "Unexpected end of JSON.", 3, 7)));

        Assert.Contains("line 3, column 7", provider.Find("[data-testid=publish-error]").TextContent);
        Assert.Empty(provider.FindAll("[data-testid=publish-submit]"));
    }

    [Fact]
    public async Task Publish_RequiresAMessage_AndReturnsIt()
    {
        var diff = Diffs.Between(Diffs.Items(), Diffs.Items(("A", "1")));
        var (provider, dialog) = await ShowDialogAsync(Parameters(diff, live: null));
        Assert.True(provider.Find("[data-testid=publish-submit]").HasAttribute("disabled"));

        provider.Find("input[data-testid=publish-message]").Input("first release");
        provider.WaitForAssertion(() => Assert.False(provider.Find("[data-testid=publish-submit]").HasAttribute("disabled")));
        provider.Find("#publish-form").Submit();

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal("first release", result.Data);
    }

    [Fact]
    public async Task Dialog_WhereReviewIsRequired_OffersARequestInsteadOfAPublish()
    {
        var diff = Diffs.Between(Diffs.Items(), Diffs.Items(("A", "1")));
        var parameters = Parameters(diff, live: null);
        parameters.Add(d => d.RequiresReview, true);
        var (provider, dialog) = await ShowDialogAsync(parameters);

        Assert.Contains("requires review", provider.Find("[data-testid=publish-review-note]").TextContent);
        Assert.Contains("Request review", provider.Find("[data-testid=publish-submit]").TextContent);
        provider.Find("input[data-testid=publish-message]").Input("please look");
        provider.WaitForAssertion(() => Assert.False(provider.Find("[data-testid=publish-submit]").HasAttribute("disabled")));
        provider.Find("#publish-form").Submit();
        Assert.Equal("please look", (await dialog.Result)!.Data);
    }

    [Fact]
    public async Task Dialog_WithoutReview_SaysNothingAboutIt()
    {
        var (provider, _) = await ShowDialogAsync(Parameters(Diffs.Between(Diffs.Items(), Diffs.Items(("A", "1"))), live: null));

        Assert.Empty(provider.FindAll("[data-testid=publish-review-note]"));
        Assert.Contains("Publish r1", provider.Find("[data-testid=publish-submit]").TextContent);
    }
}

using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>The export menu works from the keyboard: open it, move to a format, Enter downloads that format.</summary>
[Collection(UiCollection.Name)]
public sealed class ExportKeyboardTests(UiFixture fixture)
{
    [Fact]
    public async Task ExportMenu_EnterOnTheHighlightedItem_DownloadsThatFormat()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "keyexport", name = "Keyboard export" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/keyexport/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/keyexport/envs/dev/namespaces/application/items/Pool:Size", new { value = "10" })).EnsureSuccessStatusCode();
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/apps/keyexport/dev/application");
        await Expect(page.Locator("[data-testid=row-key]")).ToHaveCountAsync(1);

        // Open the menu from the keyboard: the first item takes the focus; ArrowDown moves it to the second.
        await page.Locator("[data-testid=export] button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.activeElement?.getAttribute('data-format') === 'json'");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForFunctionAsync("() => document.activeElement?.getAttribute('data-format') === 'yaml'");
        // The screenshot shows the menu once it has faded in, with the focused item highlighted.
        await page.WaitForFunctionAsync("() => getComputedStyle(document.querySelector('.mud-popover-open')).opacity === '1'");
        await UiFixture.ShotAsync(page, "19-export-menu-keyboard");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        Assert.Equal("keyexport-dev-application-draft.yaml", download.SuggestedFilename);
        var yaml = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("Size", yaml, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}

using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>JSON documents are checked while typing; an appsettings.json import is previewed before it changes anything.</summary>
[Collection(UiCollection.Name)]
public sealed class DocumentAndImportTests(UiFixture fixture)
{
    [Fact]
    public async Task JsonEditor_ShowsTheErrorAtItsLine_AndImport_PreviewsTheFlattenedKeys()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "docs", name = "Docs" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/docs/namespaces", new { name = "settings", format = "json" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/docs/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/docs/envs/dev/namespaces/application/items/Logging:LogLevel:Default", new { value = "Warning" })).EnsureSuccessStatusCode();
        var page = await fixture.SignedInPageAsync();

        // A JSON namespace: the error shows at its line and column before anything is saved.
        await page.GotoAsync("/apps/docs/dev/settings");
        await page.FillAsync("textarea[data-testid=document]", "{\n  \"Pool\": {\n    \"Size\": 10,\n  }\n  \"Name\": \"shop\"\n}");
        await Expect(page.Locator("[data-testid=document-error]")).ToContainTextAsync("Line ");
        await Expect(page.Locator("[data-testid=save-document]")).ToBeDisabledAsync();
        await UiFixture.ShotAsync(page, "16-json-error");
        await page.FillAsync("textarea[data-testid=document]", "{\n  \"Pool\": { \"Size\": 10 },\n  \"Name\": \"shop\"\n}");
        await Expect(page.Locator("[data-testid=document-valid]")).ToContainTextAsync("2 configuration keys");
        await page.ClickAsync("[data-testid=save-document]");
        await Expect(page.Locator("[data-testid=unsaved]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=publish]")).ToBeEnabledAsync();

        // A properties namespace: import an appsettings.json, see the preview, then the keys.
        await page.GotoAsync("/apps/docs/dev/application");
        await Expect(page.Locator("[data-testid=row-key]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=import]");
        await page.FillAsync("textarea[data-testid=import-source]", """
            {
              "Logging": { "LogLevel": { "Default": "Information" } },
              "ConnectionStrings": { "Main": "Data Source=shop.db" },
              "AllowedHosts": "*"
            }
            """);
        var preview = page.Locator(".mud-dialog [data-testid=diff-row]");
        await Expect(preview).ToHaveCountAsync(3);
        await Expect(page.Locator(".mud-dialog [data-testid=diff-row][data-kind=changed]")).ToHaveAttributeAsync("data-key", "Logging:LogLevel:Default");
        await UiFixture.ShotAsync(page, "17-import-preview");
        await page.ClickAsync("[data-testid=import-submit]");
        await Expect(page.Locator("[data-testid=key-count]")).ToHaveTextAsync("3 keys");
        await Expect(page.Locator("[data-testid=row-key]", new() { HasTextString = "ConnectionStrings:Main" })).ToBeVisibleAsync();
        await UiFixture.ShotAsync(page, "18-after-import");

        // Export the draft as .env: the environment-variable form of the same keys.
        await page.ClickAsync("[data-testid=export] button");
        await Expect(page.Locator("a[download][data-format=env]")).ToBeVisibleAsync();
        await UiFixture.ShotAsync(page, "19-export-menu");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Export draft as .env"));
        Assert.Equal("docs-dev-application-draft.env", download.SuggestedFilename);
        var dotEnv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("ConnectionStrings__Main='Data Source=shop.db'", dotEnv, StringComparison.Ordinal);
        Assert.Contains("Logging__LogLevel__Default=Information", dotEnv, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}

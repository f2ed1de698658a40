using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>The journey of an admin who has never seen the product, in a real browser against a real server and etcd.</summary>
[Collection(UiCollection.Name)]
public sealed class PublishFlowTests(UiFixture fixture)
{
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Admin_CreatesEditsPublishesComparesAndRollsBack_AndASecondTabSeesPublishesLive()
    {
        // Sign in.
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/login");
        await UiFixture.ShotAsync(page, "01-login");
        await UiFixture.SignInAsync(page);
        await UiFixture.ShotAsync(page, "02-dashboard");

        // Create an app from the dashboard.
        await page.ClickAsync("[data-testid=go-apps]");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Apps");
        await page.ClickAsync("[data-testid=create-app]");
        await page.FillAsync("[data-testid=app-id]", "shop");
        await page.FillAsync("[data-testid=app-name]", "Shop");
        // Create enables once the server has the id (typing reaches it asynchronously), so the click cannot overtake it.
        await Expect(page.Locator("[data-testid=create-app-submit]")).ToBeEnabledAsync();
        await UiFixture.ShotAsync(page, "03-create-app");
        await page.ClickAsync("[data-testid=create-app-submit]");
        await UiFixture.WaitForNavigationAsync(page, "**/apps/shop", "create-app");

        // Create a properties namespace.
        await page.ClickAsync("[data-testid=create-namespace]");
        await page.FillAsync("[data-testid=namespace-name]", "application");
        await page.ClickAsync("[data-testid=create-namespace-submit]");
        await Expect(page.Locator("[data-testid=cell-application-dev]")).ToBeVisibleAsync();
        await UiFixture.ShotAsync(page, "04-app-overview");

        // Add keys in the dev editor.
        await page.ClickAsync("[data-testid=cell-application-dev]");
        await page.WaitForURLAsync("**/apps/shop/dev/application");
        await AddKeyAsync(page, "Logging:LogLevel:Default", "Information");
        await AddKeyAsync(page, "Pool:Size", "10");
        await Expect(page.Locator("[data-testid=marker]")).ToHaveCountAsync(2);
        await UiFixture.ShotAsync(page, "05-editor-new-keys");

        // A second browser (another admin) watches the history.
        var watcher = await fixture.SignedInPageAsync();
        await watcher.GotoAsync("/apps/shop/dev/application/history");
        await Expect(watcher.Locator("[data-testid=releases]")).ToContainTextAsync("Nothing published yet");

        // Publish r1 with a message, after reviewing the diff.
        await page.ClickAsync("[data-testid=publish]");
        await Expect(page.Locator("[data-testid=diff-row]")).ToHaveCountAsync(2);
        await page.FillAsync("[data-testid=publish-message]", "initial configuration");
        await UiFixture.ShotAsync(page, "06-publish-dialog");
        await page.ClickAsync("[data-testid=publish-submit]");
        await Expect(page.Locator("[data-testid=live-revision]")).ToHaveTextAsync("live r1");
        await Expect(page.Locator("[data-testid=publish]")).ToBeDisabledAsync();

        // The watcher sees r1 appear without reloading.
        await Expect(watcher.Locator("[data-testid=release-revision]").First).ToHaveTextAsync("r1", new() { Timeout = (float)LiveTimeout.TotalMilliseconds });
        await UiFixture.ShotAsync(watcher, "07-second-tab-live-r1");

        // History shows r1 with its message and author.
        await page.ClickAsync("[data-testid=history-link]");
        await Expect(page.Locator("[data-testid=release-message]").First).ToHaveTextAsync("initial configuration");
        await UiFixture.ShotAsync(page, "08-history-r1");

        // Change one key and publish r2.
        await page.ClickAsync("[data-testid=editor-link]");
        var poolRow = Row(page, "Pool:Size");
        await poolRow.Locator("[data-testid=edit]").ClickAsync();
        // The key field takes the focus once the row opens; filling the value before that could type into the key.
        await Expect(page.Locator("[data-testid=edit-key]")).ToBeFocusedAsync();
        await page.FillAsync("[data-testid=edit-value]", "50");
        await page.PressAsync("[data-testid=edit-value]", "Enter");
        await Expect(Row(page, "Pool:Size").Locator("[data-testid=marker]")).ToHaveTextAsync("changed");
        await UiFixture.ShotAsync(page, "09-editor-changed-key");
        await page.ClickAsync("[data-testid=publish]");
        await Expect(page.Locator("[data-testid=diff-row]")).ToHaveCountAsync(1);
        await page.FillAsync("[data-testid=publish-message]", "raise the pool size");
        await page.ClickAsync("[data-testid=publish-submit]");
        await Expect(page.Locator("[data-testid=live-revision]")).ToHaveTextAsync("live r2");
        await Expect(watcher.Locator("[data-testid=release-revision]").First).ToHaveTextAsync("r2", new() { Timeout = (float)LiveTimeout.TotalMilliseconds });

        // The diff r1..r2 shows exactly that key.
        await page.ClickAsync("[data-testid=history-link]");
        await Expect(page.Locator("[data-testid=release-revision]")).ToHaveCountAsync(2);
        await page.ClickAsync("[data-testid=compare]");
        var diffRows = page.Locator("[data-testid=diff-row]");
        await Expect(diffRows).ToHaveCountAsync(1);
        await Expect(diffRows.First).ToHaveAttributeAsync("data-key", "Pool:Size");
        await Expect(diffRows.First).ToHaveAttributeAsync("data-kind", "changed");
        await Expect(diffRows.First).ToContainTextAsync("10");
        await Expect(diffRows.First).ToContainTextAsync("50");
        await UiFixture.ShotAsync(page, "10-diff-r1-r2");

        // Roll back to r1, after seeing what will change.
        await page.ClickAsync("[data-testid=rollback-r1]");
        await Expect(page.Locator(".mud-dialog [data-testid=diff-row]")).ToHaveCountAsync(1);
        await UiFixture.ShotAsync(page, "11-rollback-confirmation");
        await page.ClickAsync("[data-testid=rollback-submit]");
        await Expect(page.Locator("[data-testid=release-revision]").First).ToHaveTextAsync("r3");
        await UiFixture.ShotAsync(page, "12-history-r3");
        await Expect(watcher.Locator("[data-testid=release-revision]").First).ToHaveTextAsync("r3", new() { Timeout = (float)LiveTimeout.TotalMilliseconds });

        // r3 equals r1, and etcd holds r3 with r1's items.
        using var api = await fixture.Server.CreateAdminClientAsync();
        var r1 = await api.GetFromJsonAsync<JsonElement>("/api/v1/apps/shop/envs/dev/namespaces/application/releases/1");
        var r3 = await api.GetFromJsonAsync<JsonElement>("/api/v1/apps/shop/envs/dev/namespaces/application/releases/3");
        Assert.Equal(r1.GetProperty("checksum").GetString(), r3.GetProperty("checksum").GetString());
        var key = EtcdKeys.Config(fixture.Server.Prefix, "dev", "shop", "application");
        var document = await WaitFor.ValueAsync(
            async () => await fixture.Etcd.GetAsync(key) is { } json ? JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReleaseDocument) : null,
            d => d?.Revision == 3, TimeSpan.FromSeconds(15), "etcd holds release r3");
        Assert.Equal("10", document!.Items["Pool:Size"]);
        Assert.Equal("Information", document.Items["Logging:LogLevel:Default"]);
        Assert.Equal(r1.GetProperty("checksum").GetString(), document.Checksum);

        await page.Context.CloseAsync();
        await watcher.Context.CloseAsync();
    }

    private static ILocator Row(IPage page, string key) =>
        page.Locator("tr", new() { Has = page.Locator("[data-testid=row-key]", new() { HasTextString = key }) });

    private static async Task AddKeyAsync(IPage page, string key, string value)
    {
        await page.FillAsync("[data-testid=new-key]", key);
        await page.FillAsync("[data-testid=new-value]", value);
        await page.ClickAsync("[data-testid=add-key]");
        try
        {
            await Expect(Row(page, key)).ToBeVisibleAsync();
        }
        catch (PlaywrightException)
        {
            await UiFixture.ShotAsync(page, "failure-add-key");
            throw;
        }
    }
}

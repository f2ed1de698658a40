using System.Net.Http.Json;
using ConfigCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>A secret key in the editor: a viewer sees ****** and nothing else, an editor reveals it with an audited click.</summary>
[Collection(UiCollection.Name)]
public sealed class SecretsUiTests(UiFixture fixture)
{
    private const string Password = "secret-ui-password-1";
    private const string Plaintext = "pa55-ui-hunter2";

    [Fact]
    public async Task Viewer_SeesOnlyTheMask_EditorRevealsTheValue_AndTheRevealIsAudited()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        await admin.Http.DeleteAsync("/api/v1/apps/vaultui");
        await admin.CreateAppAsync("vaultui", ("application", "properties"));
        var ns = ConfigCenterApiClient.Ns("vaultui", "dev", "application");
        await admin.SetAsync("vaultui", "dev", "application", "Greeting", "hello");
        using (var put = await admin.Http.PutAsJsonAsync($"{ns}/items/Upstream%3ADsn", new { value = Plaintext, secret = true })) put.EnsureSuccessStatusCode();
        await admin.PublishAsync("vaultui", "dev", "application", "with a secret");
        var viewerId = await admin.CreateUserAsync("vault-viewer", Password);
        await admin.SetRolesAsync(viewerId, false, [("vaultui", "Viewer")], []);
        var editorId = await admin.CreateUserAsync("vault-editor", Password);
        await admin.SetRolesAsync(editorId, false, [("vaultui", "Editor")], []);

        var viewer = await fixture.NewPageAsync();
        await SignInAsync(viewer, "vault-viewer");
        await viewer.GotoAsync("/apps/vaultui/dev/application");
        var viewerRow = SecretRow(viewer);
        await Expect(viewerRow.Locator("[data-testid=row-value]")).ToHaveTextAsync("******");
        await Expect(viewerRow.Locator("[data-testid=secret-lock]")).ToBeVisibleAsync();
        await Expect(viewerRow.Locator("[data-testid=reveal]")).ToHaveCountAsync(0);
        // A viewer gets no controls the server would refuse: no add form, no edit or delete buttons on any row.
        await Expect(viewer.Locator("[data-testid=add-form]")).ToHaveCountAsync(0);
        await Expect(viewer.Locator("[data-testid=edit]")).ToHaveCountAsync(0);
        await Expect(viewer.Locator("[data-testid=delete]")).ToHaveCountAsync(0);
        await UiFixture.ShotAsync(viewer, "60-secret-as-viewer");
        Assert.DoesNotContain(Plaintext, await viewer.ContentAsync(), StringComparison.Ordinal);
        await viewer.GotoAsync("/apps/vaultui/dev/application/history");
        await viewer.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.DoesNotContain(Plaintext, await viewer.ContentAsync(), StringComparison.Ordinal);

        var editor = await fixture.NewPageAsync();
        await SignInAsync(editor, "vault-editor");
        await editor.GotoAsync("/apps/vaultui/dev/application");
        var editorRow = SecretRow(editor);
        await Expect(editorRow.Locator("[data-testid=row-value]")).ToHaveTextAsync("******");
        Assert.DoesNotContain(Plaintext, await editor.ContentAsync(), StringComparison.Ordinal);
        await editorRow.Locator("[data-testid=reveal]").ClickAsync();
        await Expect(editorRow.Locator("[data-testid=row-value]")).ToHaveTextAsync(Plaintext);
        await UiFixture.ShotAsync(editor, "61-secret-revealed-by-editor");

        var revealed = Assert.Single(await admin.AuditEntriesAsync("secret.reveal", "vaultui/dev/application/Upstream:Dsn"));
        Assert.Equal("vault-editor", revealed.GetProperty("actor").GetString());
        admin.Http.Dispose();
    }

    [Fact]
    public async Task Admin_ShowsAnEnvironmentsKeyOnTheSecretKeysPage_AndTheReadIsAudited()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/admin/secret-keys");
        await page.ClickAsync("[data-testid=show-test]");
        var expected = (await admin.GetJsonAsync("/api/v1/environments/test/secret-key")).GetProperty("keyId").GetString()!;
        await Expect(page.Locator("[data-testid=key-test] [data-testid=key-id]")).ToHaveTextAsync(expected);
        await UiFixture.ShotAsync(page, "62-secret-keys-admin");
        Assert.True((await admin.AuditEntriesAsync("secret.key.read", "test")).Count >= 2, "the page's read and the API's read are audited");
        admin.Http.Dispose();
    }

    private static ILocator SecretRow(IPage page) =>
        page.Locator("tr").Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid=row-key]", new PageLocatorOptions { HasTextString = "Upstream:Dsn" }) });

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
    }
}

using System.Net.Http.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>Roles shape what the UI offers, signing out in one tab ends the others at once, and admins manage users.</summary>
[Collection(UiCollection.Name)]
public sealed class UserSessionTests(UiFixture fixture)
{
    private const string Password = "two-tabs-password-1";

    [Fact]
    public async Task SigningOutInOneTab_EndsTheOtherTab_WhichCanNoLongerEdit()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        await admin.Http.DeleteAsync("/api/v1/apps/tabs");
        await admin.CreateAppAsync("tabs", ("application", "properties"));
        var id = await admin.CreateUserAsync("two-tabs", Password);
        await admin.SetRolesAsync(id, false, [("tabs", "Editor")], []);

        var first = await fixture.NewPageAsync();
        await SignInAsync(first, "two-tabs");
        var second = await first.Context.NewPageAsync();
        second.SetDefaultTimeout(15_000);
        var opened = await second.GotoAsync("/apps/tabs/dev/application");
        Assert.True(opened is { Status: 200 }, $"the editor answered {opened?.Status}: {(opened is null ? "" : await opened.TextAsync())}");
        try
        {
            await Expect(second.Locator("[data-testid=new-key]")).ToBeVisibleAsync();
        }
        catch (PlaywrightException)
        {
            await UiFixture.ShotAsync(second, "failed-editor-as-editor");
            throw;
        }
        // An Editor edits but does not publish: the button is there, disabled.
        await Expect(second.Locator("[data-testid=publish]")).ToBeDisabledAsync();
        await second.FillAsync("[data-testid=new-key]", "Before");
        await second.FillAsync("[data-testid=new-value]", "1");
        await second.ClickAsync("[data-testid=add-key]");
        await Expect(second.Locator("[data-testid=key-count]")).ToContainTextAsync("1");
        await UiFixture.ShotAsync(second, "20-editor-as-editor");

        await first.GotoAsync("/");
        await first.ClickAsync("button:has-text('Sign out')");
        await first.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");

        // The other tab's circuit is told at once and goes to the sign-in page; nothing it had open can edit.
        await second.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", new PageWaitForURLOptions { Timeout = 8_000 });
        await UiFixture.ShotAsync(second, "21-other-tab-after-sign-out");
        await second.GotoAsync("/apps/tabs/dev/application");
        await second.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");
        var draft = await admin.GetJsonAsync(ConfigCenterApiClient.Ns("tabs", "dev", "application"));
        Assert.Single(draft.GetProperty("items").EnumerateArray());
        admin.Http.Dispose();
    }

    [Fact]
    public async Task Admin_SeesUsersWithRolesAndLockouts_AndUnlocks()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        await admin.Http.DeleteAsync("/api/v1/apps/people");
        await admin.CreateAppAsync("people", ("application", "properties"));
        var owner = await admin.CreateUserAsync("people-owner", Password);
        await admin.SetRolesAsync(owner, false, [("people", "Owner")], [("prod", "people")]);
        await admin.CreateUserAsync("locked-person", Password);
        using (var anonymous = fixture.Server.CreateHttpClient())
        {
            for (var i = 0; i < 5; i++)
            {
                using var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "locked-person", password = "wrong-" + i });
            }
        }

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/admin/users");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        var lockedRow = page.Locator("tr", new PageLocatorOptions { HasText = "locked-person" });
        await Expect(lockedRow.Locator("[data-testid=locked]")).ToBeVisibleAsync();
        await Expect(page.Locator("tr", new PageLocatorOptions { HasText = "people-owner" })).ToContainTextAsync("people · Owner");
        await UiFixture.ShotAsync(page, "27-admin-users");

        await lockedRow.Locator("[data-testid=unlock]").ClickAsync();
        await Expect(lockedRow.Locator("[data-testid=locked]")).ToHaveCountAsync(0);
        using var signIn = await fixture.Server.CreateUserClientAsync("locked-person", Password);
        Assert.NotNull(signIn.DefaultRequestHeaders.Authorization);
        admin.Http.Dispose();
    }

    [Fact]
    public async Task AViewer_SeesOnlyTheirApps_OnTheAppsPageAndTheDashboard()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        foreach (var app in new[] { "seen", "unseen" })
        {
            await admin.Http.DeleteAsync($"/api/v1/apps/{app}");
            await admin.CreateAppAsync(app, ("application", "properties"));
            await admin.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello " + app));
        }
        var viewer = await admin.CreateUserAsync("one-app-viewer", Password);
        await admin.SetRolesAsync(viewer, false, [("seen", "Viewer")], []);

        // One client connected to each app: the viewer's dashboard counts only the one of the app they see.
        await using var seenClient = await ConnectClientAsync(await admin.CreateApiKeyAsync("seen", "dev"), "seen", "seen-client");
        await using var unseenClient = await ConnectClientAsync(await admin.CreateApiKeyAsync("unseen", "dev"), "unseen", "unseen-client");

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "one-app-viewer");

        await Expect(page.Locator("[data-testid=app-count]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=instance-count]")).ToHaveTextAsync("1");
        var recent = page.Locator("[data-testid=recent-releases]");
        await Expect(recent).ToContainTextAsync("seen");
        Assert.DoesNotContain("unseen", await recent.InnerTextAsync(), StringComparison.Ordinal);
        await UiFixture.ShotAsync(page, "29-dashboard-as-viewer");
        await page.GotoAsync("/apps");
        await Expect(page.Locator("[data-testid=apps-table] tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=apps-table] tbody")).ToContainTextAsync("seen");
        Assert.DoesNotContain("unseen", await page.Locator("[data-testid=apps-table]").InnerTextAsync(), StringComparison.Ordinal);
        // Creating and deleting apps is an Admin's: a viewer gets neither button.
        await Expect(page.Locator("[data-testid=create-app]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=apps-table] button[aria-label^=Delete]")).ToHaveCountAsync(0);
        await UiFixture.ShotAsync(page, "29-apps-as-viewer");
        await page.Context.CloseAsync();
        admin.Http.Dispose();
    }

    private async Task<HubConnection> ConnectClientAsync(string key, string app, string instanceId)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Server.BaseAddress, ConfigHubRoutes.Hub), o => o.Headers[ConfigHubRoutes.ApiKeyHeader] = key)
            .Build();
        try
        {
            await hub.StartAsync();
            await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(nameof(IConfigHub.Subscribe), app, "dev", new[] { "application" },
                new Dictionary<string, long>(), new ClientInstanceInfo { InstanceId = instanceId });
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
    }
}

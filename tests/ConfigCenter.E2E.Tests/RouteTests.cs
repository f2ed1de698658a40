using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>Every route of the UI contract renders for an admin and sends a signed-out visitor to /login.</summary>
[Collection(UiCollection.Name)]
public sealed class RouteTests(UiFixture fixture)
{
    private static readonly (string Route, string Heading)[] Routes =
    [
        ("/", "Dashboard"),
        ("/apps", "Apps"),
        ("/apps/routes", "routes"),
        ("/apps/routes/dev/application", "application"),
        ("/apps/routes/dev/application/history", "History"),
        ("/apps/routes/dev/application/instances", "Instances"),
    ];

    [Fact]
    public async Task EveryRoute_RendersItsPage_ForASignedInAdmin()
    {
        await EnsureAppAsync();
        var page = await fixture.SignedInPageAsync();
        foreach (var (route, heading) in Routes)
        {
            await page.GotoAsync(route);
            await Expect(page.Locator("h1")).ToHaveTextAsync(heading);
            await Expect(page.Locator("[data-testid=user]")).ToHaveTextAsync("admin");
        }

        // Readable on a phone, and in the dark theme.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/apps/routes/dev/application");
        await Expect(page.Locator("[data-testid=row-key]").First).ToBeVisibleAsync();
        await UiFixture.ShotAsync(page, "13-phone-editor");
        await page.SetViewportSizeAsync(1366, 860);
        await page.GotoAsync("/apps/routes");
        await Expect(page.Locator("[data-testid=overview-grid]")).ToBeVisibleAsync();
        await page.ClickAsync("button[aria-label='Toggle dark theme']");
        await Expect(page.Locator(".mud-theme-dark, [data-theme=dark], body")).Not.ToHaveCountAsync(0);
        await UiFixture.ShotAsync(page, "14-dark-app-overview");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryRoute_RedirectsToLogin_WhenSignedOut()
    {
        await EnsureAppAsync();
        var page = await fixture.NewPageAsync();
        foreach (var (route, _) in Routes)
        {
            await page.GotoAsync(route);
            var url = new Uri(page.Url);
            Assert.Equal("/login", url.AbsolutePath);
            Assert.Contains(Uri.EscapeDataString(route), url.Query, StringComparison.OrdinalIgnoreCase);
            await Expect(page.Locator("#username")).ToBeVisibleAsync();
        }

        // Signing in from the redirect lands on the page that was asked for.
        await page.GotoAsync("/apps/routes/dev/application/history");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("[data-testid=login-error]")).ToBeVisibleAsync();
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", Testing.ConfigCenterServerHost.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("h1")).ToHaveTextAsync("History");

        // Signing out from the app bar ends the session.
        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/login**");
        await page.GotoAsync("/apps");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await page.Context.CloseAsync();
    }

    private async Task EnsureAppAsync()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        if ((await api.GetAsync("/api/v1/apps/routes")).IsSuccessStatusCode) return;
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "routes", name = "Routes" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/routes/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/routes/envs/dev/namespaces/application/items/Feature:Enabled", new { value = "true" })).EnsureSuccessStatusCode();
    }
}

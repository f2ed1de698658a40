using System.Net.Http.Json;
using ConfigCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>
/// Four eyes in Chromium with two people: an Admin switches review on for an environment, one Publisher requests a review,
/// the nav badge tells the other, who approves on /reviews; history shows both names; an Admin's emergency publish is marked.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class ReviewFlowE2ETests(UiFixture fixture)
{
    private const string Password = "review-e2e-password-1";
    private const string App = "reviewed";
    private const string Env = "test";
    private const string Ns = "application";

    [Fact]
    public async Task Publisher_RequestsReview_AnotherApprovesOnTheReviewsPage_AndHistoryShowsBoth()
    {
        var admin = new ConfigCenterApiClient(await fixture.Server.CreateAdminClientAsync());
        try
        {
            await admin.CreateAppAsync(App, (Ns, "properties"));
            var rita = await admin.CreateUserAsync("rita", Password);
            await admin.SetRolesAsync(rita, false, [(App, "Editor")], [(Env, App)]);
            var paul = await admin.CreateUserAsync("paul", Password);
            await admin.SetRolesAsync(paul, false, [], [(Env, null)]);
            await admin.SetAsync(App, Env, Ns, "Checkout:Enabled", "true");

            // The Admin switches review on for the environment on /reviews.
            var adminPage = await fixture.SignedInPageAsync();
            await adminPage.GotoAsync("/reviews");
            await Expect(adminPage.Locator("[data-testid=review-settings]")).ToBeVisibleAsync();
            await adminPage.Locator($"[data-testid=review-switch-{Env}]").ClickAsync();
            await WaitFor.ConditionAsync(async () => (await admin.GetJsonAsync("/api/v1/environments")).EnumerateArray()
                .Single(e => e.GetProperty("id").GetString() == Env).GetProperty("requiresReview").GetBoolean(), TimeSpan.FromSeconds(10), $"{Env} requires review");
            await UiFixture.ShotAsync(adminPage, "review-01-settings");

            // Rita's publish is a review request.
            var ritaPage = await SignInAsync("rita");
            await ritaPage.GotoAsync($"/apps/{App}/{Env}/{Ns}");
            await Expect(ritaPage.Locator("[data-testid=publish]")).ToHaveTextAsync("Request review");
            await ritaPage.ClickAsync("[data-testid=publish]");
            await Expect(ritaPage.Locator("[data-testid=publish-review-note]")).ToBeVisibleAsync();
            await ritaPage.FillAsync("[data-testid=publish-message]", "open checkout");
            await Expect(ritaPage.Locator("[data-testid=publish-submit]")).ToHaveTextAsync("Request review");
            await UiFixture.ShotAsync(ritaPage, "review-02-request-dialog");
            await ritaPage.ClickAsync("[data-testid=publish-submit]");
            await Expect(ritaPage.Locator(".mud-snackbar")).ToContainTextAsync("Review requested");
            await Expect(ritaPage.Locator("[data-testid=live-revision]")).ToHaveTextAsync("not published");

            // The author sees her request but cannot approve it.
            await ritaPage.GotoAsync("/reviews");
            var ritaCard = ritaPage.Locator("[data-testid=review-request]");
            await Expect(ritaCard).ToHaveCountAsync(1);
            await Expect(ritaCard.Locator("[data-testid=withdraw]")).ToBeVisibleAsync();
            await Expect(ritaCard.Locator("[data-testid=approve]")).ToHaveCountAsync(0);
            await Expect(ritaPage.Locator("[data-testid=reviews-badge]")).ToHaveCountAsync(0);

            // Paul's nav shows one request to decide; the page shows its diff.
            var paulPage = await SignInAsync("paul");
            await Expect(paulPage.Locator("[data-testid=reviews-badge]")).ToHaveTextAsync("1");
            await UiFixture.ShotAsync(paulPage, "review-03-badge");
            await paulPage.ClickAsync("[data-testid=nav-reviews]");
            var card = paulPage.Locator("[data-testid=review-request]");
            await Expect(card.Locator("[data-testid=review-author]")).ToHaveTextAsync("rita");
            await Expect(card.Locator("[data-testid=diff-row][data-key='Checkout:Enabled']")).ToHaveAttributeAsync("data-kind", "added");
            await UiFixture.ShotAsync(paulPage, "review-04-reviews-page");

            // Approving publishes r1; the request leaves both lists at once.
            await card.Locator("[data-testid=approve]").ClickAsync();
            await Expect(paulPage.Locator("[data-testid=reviews-empty]")).ToBeVisibleAsync();
            await Expect(ritaPage.Locator("[data-testid=reviews-empty]")).ToBeVisibleAsync();
            await Expect(paulPage.Locator("[data-testid=reviews-badge]")).ToHaveCountAsync(0);
            var release = await admin.GetJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases/1");
            Assert.Equal("true", release.GetProperty("items").GetProperty("Checkout:Enabled").GetString());

            await paulPage.GotoAsync($"/apps/{App}/{Env}/{Ns}/history");
            await Expect(paulPage.Locator("[data-testid=release-review]")).ToHaveTextAsync("requested by rita, approved by paul");
            await UiFixture.ShotAsync(paulPage, "review-05-history");

            // The Admin publishes past review in an emergency; history marks the release.
            await admin.SetAsync(App, Env, Ns, "Checkout:Enabled", "false");
            await adminPage.GotoAsync($"/apps/{App}/{Env}/{Ns}");
            await adminPage.ClickAsync("[data-testid=emergency-publish]");
            await adminPage.FillAsync("[data-testid=emergency-message]", "close checkout");
            await adminPage.FillAsync("[data-testid=emergency-reason]", "payment provider outage");
            await Expect(adminPage.Locator("[data-testid=emergency-submit]")).ToBeEnabledAsync();
            await UiFixture.ShotAsync(adminPage, "review-06-emergency-dialog");
            await adminPage.ClickAsync("[data-testid=emergency-submit]");
            await Expect(adminPage.Locator("[data-testid=live-revision]")).ToHaveTextAsync("live r2");
            await adminPage.GotoAsync($"/apps/{App}/{Env}/{Ns}/history");
            await Expect(adminPage.Locator("[data-testid=release-emergency]")).ToHaveCountAsync(1);
            await UiFixture.ShotAsync(adminPage, "review-07-history-emergency");
            Assert.Equal("payment provider outage", (await admin.GetJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases"))[0]
                .GetProperty("emergencyReason").GetString());
        }
        finally
        {
            // The UI fixture's server is shared: leave the environment as the other tests expect it.
            using var off = await admin.Http.PutAsJsonAsync($"/api/v1/environments/{Env}/review", new { requiresReview = false });
            off.EnsureSuccessStatusCode();
            admin.Http.Dispose();
        }
    }

    private async Task<IPage> SignInAsync(string user)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return page;
    }
}

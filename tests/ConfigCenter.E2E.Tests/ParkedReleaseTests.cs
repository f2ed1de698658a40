using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>A release etcd refuses for good shows in the delivery banner with its reason, and an admin drops it there.</summary>
[Collection(UiCollection.Name)]
public sealed class ParkedReleaseTests(UiFixture fixture)
{
    [Fact]
    public async Task ReleaseEtcdRefuses_ShowsInTheBannerWithItsReason_AndDropRemovesIt()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "parked", name = "Parked" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/parked/namespaces", new { name = "blobs", format = "properties" })).EnsureSuccessStatusCode();
        // Over the fixture etcd's request limit, under the server's 1 MiB release limit.
        var blob = new string('x', UiFixture.EtcdMaxRequestBytes + 64 * 1024);
        (await api.PutAsJsonAsync("/api/v1/apps/parked/envs/prod/namespaces/blobs/items/Blob", new { value = blob })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/parked/envs/prod/namespaces/blobs/releases", new { message = "too big for etcd" })).EnsureSuccessStatusCode();

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/");
        var banner = page.Locator("[data-testid=parked-banner]");
        await Expect(banner).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var row = banner.Locator("[data-testid=parked-row]").Filter(new() { HasText = "/parked/blobs" });
        await Expect(row).ToContainTextAsync("r1");
        await Expect(row).ToContainTextAsync("too large");
        await UiFixture.ShotAsync(page, "20-parked-release");

        await row.Locator("[data-testid=parked-drop]").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        var parked = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/outbox/parked");
        Assert.DoesNotContain(parked.EnumerateArray(), p => p.GetProperty("etcdKey").GetString()!.EndsWith("/parked/blobs", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }
}

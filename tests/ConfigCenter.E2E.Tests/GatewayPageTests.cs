using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>The gateway page as an admin sees it: a released routes namespace with the registered instances of each route's service.</summary>
[Collection(UiCollection.Name)]
public sealed class GatewayPageTests(UiFixture fixture)
{
    [Fact]
    public async Task GatewayPage_ShowsTheReleasedRoutes_TheirDestinations_AndFlagsARouteWithoutAPassingInstance()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        await RegisterAsync("catalog", "catalog-a", 7101, "passing", ("zone", "eu-1"), ("version", "3.1.0"), ("weight", "70"));
        await RegisterAsync("catalog", "catalog-b", 7102, "passing", ("zone", "eu-2"), ("version", "3.2.0"), ("weight", "30"));
        await RegisterAsync("billing", "billing-a", 7201, "critical", ("zone", "eu-1"));
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "edge", name = "Edge gateway" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/edge/namespaces", new { name = "routes", format = "json" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/edge/envs/dev/namespaces/routes/content", new
        {
            content = """
                {
                  "Routes": {
                    "catalog": {
                      "Match": { "Path": "/catalog/{**rest}", "Methods": [ "GET" ] },
                      "Service": "catalog",
                      "RateLimitPolicy": "standard",
                      "Timeout": "00:00:05",
                      "Canary": { "Version": "3.2.0", "Percent": 10, "Header": "X-Canary" }
                    },
                    "billing": { "Match": { "Path": "/billing/{**rest}" }, "Service": "billing", "Authorization": "apikey" }
                  },
                  "RateLimits": { "standard": { "PermitLimit": 100, "Window": "00:00:01", "Partition": "caller" } }
                }
                """,
        })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/edge/envs/dev/namespaces/routes/releases", new { message = "gateway routes" })).EnsureSuccessStatusCode();

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/gateway");
        var routes = page.Locator("[data-testid=gateway-routes]");
        var catalog = routes.Locator("tbody tr").Filter(new() { HasText = "/catalog/" });
        await Expect(catalog).ToContainTextAsync(":7101");
        await Expect(catalog).ToContainTextAsync(":7102");
        await Expect(catalog).ToContainTextAsync("version 3.2.0 · 10 % · header X-Canary");
        await Expect(routes.Locator("tbody tr").Filter(new() { HasText = "/billing/" })).ToContainTextAsync("no passing instance");
        await Expect(page.Locator("[data-testid=gateway-summary]")).ToContainTextAsync("1 without a passing instance");
        await UiFixture.ShotAsync(page, "24-gateway");

        await fixture.Etcd.DeleteAsync(EtcdKeys.ServicePrefix(fixture.Server.Prefix, "dev", "catalog"), prefix: true);
        await fixture.Etcd.DeleteAsync(EtcdKeys.ServicePrefix(fixture.Server.Prefix, "dev", "billing"), prefix: true);
        await page.Context.CloseAsync();
    }

    private Task RegisterAsync(string service, string instanceId, int port, string health, params (string Key, string Value)[] metadata) =>
        fixture.Etcd.PutAsync(EtcdKeys.Instance(fixture.Server.Prefix, "dev", service, instanceId), JsonSerializer.Serialize(new RegistryEntry
        {
            Service = service,
            InstanceId = instanceId,
            Address = "10.0.0.5",
            Port = port,
            Health = health,
            Metadata = metadata.ToDictionary(m => m.Key, m => m.Value),
            RegisteredAt = DateTimeOffset.UtcNow,
        }, ContractsJsonContext.Default.RegistryEntry));
}

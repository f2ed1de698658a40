using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>The registry as an admin sees it: services per environment, one service's instances, and an app's instances.</summary>
[Collection(UiCollection.Name)]
public sealed class RegistryPagesTests(UiFixture fixture)
{
    [Fact]
    public async Task ServicesAndInstances_ShowWhatIsRegistered_AndDrainingMarksTheInstance()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "orders", name = "Orders" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/orders/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        // Two instances as the client package writes them (here without a lease: the test removes them).
        await RegisterAsync("orders-a", 7001, "passing");
        await RegisterAsync("orders-b", 7002, "critical");

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/services");
        var row = page.Locator("[data-testid=services-dev] tr").Filter(new() { HasText = "orders" });
        await Expect(row).ToContainTextAsync("2");
        await UiFixture.ShotAsync(page, "21-services");

        await page.GotoAsync("/services/dev/orders");
        var instances = page.Locator("[data-testid=service-instances]");
        await Expect(instances).ToContainTextAsync("orders-a");
        await Expect(instances).ToContainTextAsync("orders-b");
        await instances.Locator("tr").Filter(new() { HasText = "orders-a" }).GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Drain" }).ClickAsync();
        await Expect(instances.Locator("tr").Filter(new() { HasText = "orders-a" })).ToContainTextAsync("draining");
        await UiFixture.ShotAsync(page, "22-service-instances");

        await page.GotoAsync("/apps/orders/dev/application/instances");
        await Expect(page.Locator("[data-testid=instances]")).ToContainTextAsync("orders-a");
        await UiFixture.ShotAsync(page, "23-app-instances");

        await fixture.Etcd.DeleteAsync(EtcdKeys.ServicePrefix(fixture.Server.Prefix, "dev", "orders"), prefix: true);
        await page.Context.CloseAsync();
    }

    private Task RegisterAsync(string instanceId, int port, string health)
    {
        var entry = new RegistryEntry
        {
            Service = "orders",
            InstanceId = instanceId,
            Address = "10.0.0.5",
            Port = port,
            Health = health,
            Metadata = new Dictionary<string, string> { ["version"] = "1.4.2", ["zone"] = "eu-1" },
            RegisteredAt = DateTimeOffset.UtcNow,
            ConfigRevisions = new Dictionary<string, long> { ["application"] = 3 },
        };
        return fixture.Etcd.PutAsync(EtcdKeys.Instance(fixture.Server.Prefix, "dev", "orders", instanceId),
            JsonSerializer.Serialize(entry, ContractsJsonContext.Default.RegistryEntry));
    }
}

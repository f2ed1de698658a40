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

    [Fact]
    public async Task ProtectionBadges_ShowOnTheListAndTheServicePage_DrainTogglesToResume_AndInstancesShowNoPidZero()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "payments", name = "Payments" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/payments/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        await RegisterAsync("payments-a", 7101, "passing", "payments", 0.6);
        await RegisterAsync("payments-b", 7102, "critical", "payments", 0.6);

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/services");
        var row = page.Locator("[data-testid=services-dev] tr").Filter(new() { HasText = "payments" });
        await Expect(row.Locator("[data-testid=protection]")).ToContainTextAsync("protection active · 50% passing < 60%");
        await UiFixture.ShotAsync(page, "28-services-protection");

        await page.GotoAsync("/services/dev/payments");
        await Expect(page.Locator("[data-testid=protection]")).ToContainTextAsync("Protection active: 50% passing is below the threshold of 60%; discovery returns all 2");
        var instances = page.Locator("[data-testid=service-instances]");
        var a = instances.Locator("tr").Filter(new() { HasText = "payments-a" });
        await a.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Drain" }).ClickAsync();
        await Expect(a.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        // Only payments-b is left in rotation, and it is critical: 0 of 1 passing, still protected.
        await Expect(page.Locator("[data-testid=passing-share]")).ToContainTextAsync("0 of 1 discoverable instances passing");
        await UiFixture.ShotAsync(page, "25-service-protection-drained");
        await a.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(a.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Drain" })).ToBeVisibleAsync();

        await page.GotoAsync("/apps/payments/dev/application/instances");
        var listed = page.Locator("[data-testid=instances]");
        await Expect(listed).ToContainTextAsync("payments-a");
        await Expect(listed).Not.ToContainTextAsync("pid 0");
        await Expect(listed).Not.ToContainTextAsync("behind");
        await Expect(page.Locator("[data-testid=live-revision]")).ToContainTextAsync("not published");
        await UiFixture.ShotAsync(page, "26-app-instances-unpublished");

        await fixture.Etcd.DeleteAsync(EtcdKeys.ServicePrefix(fixture.Server.Prefix, "dev", "payments"), prefix: true);
        await page.Context.CloseAsync();
    }

    private Task RegisterAsync(string instanceId, int port, string health, string service = "orders", double? threshold = null)
    {
        var entry = new RegistryEntry
        {
            Service = service,
            ProtectionThreshold = threshold,
            InstanceId = instanceId,
            Address = "10.0.0.5",
            Port = port,
            Health = health,
            Metadata = new Dictionary<string, string> { ["version"] = "1.4.2", ["zone"] = "eu-1" },
            RegisteredAt = DateTimeOffset.UtcNow,
            ConfigRevisions = new Dictionary<string, long> { ["application"] = 3 },
        };
        return fixture.Etcd.PutAsync(EtcdKeys.Instance(fixture.Server.Prefix, "dev", service, instanceId),
            JsonSerializer.Serialize(entry, ContractsJsonContext.Default.RegistryEntry));
    }
}

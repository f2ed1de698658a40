using Bunit;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Server.Features.Registry.Pages;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.UI.Tests;

/// <summary>The <c>/services</c> list, fed by a real server's registry view (real etcd, real SQLite environments).</summary>
public sealed class ServicesPageTests(EtcdClusterFixture etcd) : UiTestContext, IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task ServicesPage_ListsServicesPerEnvironment_WithCountsHealthAndProtection_AndFollowsTheRegistryLive()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var registry = $"{host.Prefix}/registry/dev";
        await etcd.Cluster.PutAsync($"{registry}/user/u1", Instance("user", "u1", "passing", 0.6));
        await etcd.Cluster.PutAsync($"{registry}/user/u2", Instance("user", "u2", "critical", 0.6));
        await etcd.Cluster.PutAsync($"{registry}/order/o1", Instance("order", "o1", "passing", null));
        Services.AddSingleton(host.Services.GetRequiredService<RegistryView>());
        Services.AddSingleton(host.Services.GetRequiredService<AppService>());
        Services.AddSingleton(host.Services.GetRequiredService<Server.Features.Auth.AccessDirectory>());

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=services-dev] tbody tr").Count), TimeSpan.FromSeconds(10));
        var rows = cut.FindAll("[data-testid=services-dev] tbody tr").Select(r => r.TextContent).ToList();
        // Ordered by name: order, then user.
        Assert.Contains("order", rows[0], StringComparison.Ordinal);
        Assert.Contains("all passing", rows[0], StringComparison.Ordinal);
        Assert.Contains("off", rows[0], StringComparison.Ordinal);
        Assert.Equal("/services/dev/order", cut.Find("[data-testid=services-dev] tbody tr a").GetAttribute("href"));
        Assert.Contains("user", rows[1], StringComparison.Ordinal);
        Assert.Contains("1 not passing", rows[1], StringComparison.Ordinal);
        var badge = cut.FindAll("[data-testid=services-dev] tbody tr")[1].QuerySelector("[data-testid=protection]")!;
        Assert.Contains("protection active · 50% passing < 60%", badge.TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-error", badge.ClassName, StringComparison.Ordinal);
        // Every environment of the store gets its own table, empty ones say so.
        Assert.Contains("No service is registered in prod", cut.Markup, StringComparison.Ordinal);

        await etcd.Cluster.DeleteAsync($"{registry}/user/u2");

        cut.WaitForAssertion(() =>
        {
            var user = cut.FindAll("[data-testid=services-dev] tbody tr")[1];
            Assert.Contains("all passing", user.TextContent, StringComparison.Ordinal);
            Assert.Contains("threshold 60% · 100% passing", user.QuerySelector("[data-testid=protection]")!.TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5));
    }

    private static string Instance(string service, string id, string health, double? threshold) =>
        $$"""{"service":"{{service}}","instanceId":"{{id}}","address":"10.0.0.5","port":3445,"health":"{{health}}","metadata":{"weight":"100"}{{(threshold is { } t ? $",\"protectionThreshold\":{t.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}}}""";
}

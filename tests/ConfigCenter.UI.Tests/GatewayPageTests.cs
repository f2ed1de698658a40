using Bunit;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Gateway;
using ConfigCenter.Server.Features.Gateway.Pages;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace ConfigCenter.UI.Tests;

/// <summary>
/// The gateway page over the server's release cache and its registry view on a real etcd: the routes of the current
/// routes release with the registered instances of each service, following publishes and the registry live.
/// </summary>
public sealed class GatewayPageTests(EtcdClusterFixture etcd) : UiTestContext, IClassFixture<EtcdClusterFixture>
{
    private readonly ReleaseCache _releases = new();

    [Fact]
    public async Task GatewayPage_ListsTheReleasedRoutesWithTheirDestinations_AndFollowsPublishesAndTheRegistry()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await RegisterAsync(prefix, "orders", "o1", 7001, "passing", ("weight", "50"), ("zone", "eu-1"), ("version", "1.4.2"));
        await RegisterAsync(prefix, "orders", "o2", 7002, "passing", ("draining", "true"));
        _releases.TryUpdate(Release(1,
            ("Routes:orders:Match:Path", "/orders/{**rest}"),
            ("Routes:orders:Match:Methods:0", "GET"),
            ("Routes:orders:Service", "orders"),
            ("Routes:orders:RateLimitPolicy", "standard"),
            ("Routes:orders:Timeout", "00:00:10"),
            ("Routes:orders:Canary:Version", "2.0.0"),
            ("Routes:orders:Canary:Percent", "10"),
            ("Routes:users:Match:Path", "/users/{**rest}"),
            ("Routes:users:Service", "users"),
            ("Routes:users:Authorization", "apikey"),
            ("RateLimits:standard:PermitLimit", "100"),
            ("RateLimits:standard:Window", "00:00:01"),
            ("RateLimits:standard:Partition", "caller")));
        AddServices(prefix);

        Render<MudPopoverProvider>();
        var cut = Render<GatewayPage>(ps => ps.Add(p => p.Env, "dev").Add(p => p.App, "edge"));

        cut.WaitForAssertion(() => Assert.Contains("http://10.0.0.5:7001", Row(cut, "orders")), TimeSpan.FromSeconds(10));
        var orders = Row(cut, "orders");
        Assert.Contains("GET /orders/{**rest}", orders, StringComparison.Ordinal);
        Assert.Contains("standard: 100 per 00:00:01 per caller", orders, StringComparison.Ordinal);
        Assert.Contains("00:00:10", orders, StringComparison.Ordinal);
        Assert.Contains("version 2.0.0 · 10 %", orders, StringComparison.Ordinal);
        Assert.Contains("w50 · eu-1 · 1.4.2", orders, StringComparison.Ordinal);
        Assert.Contains("http://10.0.0.5:7002", orders, StringComparison.Ordinal);
        Assert.Contains("draining", orders, StringComparison.Ordinal);
        Assert.DoesNotContain("no passing instance", orders, StringComparison.Ordinal);
        // No instance of users is registered: the route is flagged.
        var users = Row(cut, "users");
        Assert.Contains("apikey", users, StringComparison.Ordinal);
        Assert.Contains("no passing instance", users, StringComparison.Ordinal);
        Assert.Contains("1 without a passing instance", cut.Find("[data-testid=gateway-summary]").TextContent, StringComparison.Ordinal);
        Assert.Contains("routes r1", cut.Find("[data-testid=gateway-release]").TextContent, StringComparison.Ordinal);

        // The registry pushes: a passing users instance clears the flag; the only routable orders instance failing raises it.
        await RegisterAsync(prefix, "users", "u1", 7101, "passing");
        await RegisterAsync(prefix, "orders", "o1", 7001, "critical");
        cut.WaitForAssertion(() =>
        {
            Assert.DoesNotContain("no passing instance", Row(cut, "users"), StringComparison.Ordinal);
            Assert.Contains("http://10.0.0.5:7101", Row(cut, "users"), StringComparison.Ordinal);
            Assert.Contains("no passing instance", Row(cut, "orders"), StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5));

        // A publish replaces the routes: users removed, a new route added.
        _releases.TryUpdate(Release(2,
            ("Routes:orders:Match:Path", "/orders/{**rest}"),
            ("Routes:orders:Service", "orders"),
            ("Routes:search:Match:Hosts:0", "search.example.com"),
            ("Routes:search:Service", "users")));
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("routes r2", cut.Find("[data-testid=gateway-release]").TextContent, StringComparison.Ordinal);
            Assert.Contains("* /{**any} host search.example.com", Row(cut, "search"), StringComparison.Ordinal);
            Assert.DoesNotContain(cut.FindAll("[data-testid=gateway-routes] tbody tr"), r => r.QuerySelector("td")!.TextContent.Trim() == "users");
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void GatewayPage_ShowsTheErrorsOfARoutesReleaseTheGatewayRejects()
    {
        _releases.TryUpdate(Release(1, ("Routes:orders:Match:Path", "/orders"), ("Routes:orders:Servce", "orders")));
        AddServices(EtcdClusterFixtureBase.NewPrefix());

        Render<MudPopoverProvider>();
        var cut = Render<GatewayPage>(ps => ps.Add(p => p.Env, "dev").Add(p => p.App, "edge"));

        cut.WaitForAssertion(() => Assert.Contains("Routes:orders:Servce", cut.Find("[data-testid=routes-errors]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("The release has no routes", cut.Find("[data-testid=gateway-routes]").TextContent, StringComparison.Ordinal);
    }

    private static string Row(IRenderedComponent<GatewayPage> cut, string routeId) =>
        cut.FindAll("[data-testid=gateway-routes] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == routeId).TextContent;

    private void AddServices(string prefix)
    {
        Services.AddSingleton(_ => new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] }));
        Services.AddSingleton(Options.Create(new ConfigCenterServerOptions { Etcd = { Prefix = prefix, Endpoints = [.. etcd.Endpoints] } }));
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<RegistryView>>(NullLogger<RegistryView>.Instance);
        Services.AddSingleton<RegistryView>();
        Services.AddSingleton(_releases);
        Services.AddSingleton<GatewayRoutesView>();
        // Pages check roles before admin actions; the page shown here has none, so the store is never opened.
        Services.AddDbContextFactory<ConfigCenter.Storage.ConfigCenterDbContext>(o => Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions.UseSqlite(o, "Data Source=:memory:"));
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<Server.Features.Auth.AccessDirectory>>(NullLogger<Server.Features.Auth.AccessDirectory>.Instance);
        Services.AddSingleton<Server.Features.Auth.AccessDirectory>();
    }

    private static ReleaseDocument Release(long revision, params (string Key, string? Value)[] items) => new()
    {
        App = "edge",
        Environment = "dev",
        Namespace = "routes",
        Revision = revision,
        Format = "json",
        PublishedAt = DateTimeOffset.UtcNow,
        PublishedBy = "admin",
        Checksum = $"sha256:{revision}",
        Items = items.ToDictionary(i => i.Key, i => i.Value),
    };

    private Task RegisterAsync(string prefix, string service, string instanceId, int port, string health, params (string Key, string Value)[] metadata) =>
        etcd.Cluster.PutAsync(EtcdKeys.Instance(prefix, "dev", service, instanceId), System.Text.Json.JsonSerializer.Serialize(new RegistryEntry
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

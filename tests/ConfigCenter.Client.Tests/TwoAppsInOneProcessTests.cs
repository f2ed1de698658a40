using System.Collections.Concurrent;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConfigCenter.Client.Tests;

/// <summary>Two ConfigCenter sources of two apps in one host, both loading a namespace called <c>application</c>.</summary>
public sealed class TwoAppsInOneProcessTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ChangesAndAppliedRevisions_TellTheTwoAppsApart()
    {
        var orders = ServerFixtureBase.NewApp("two-orders");
        var billing = ServerFixtureBase.NewApp("two-billing");
        var ordersKey = await fixture.Api.CreateAppWithKeyAsync(orders, "dev", ("application", "properties"));
        var billingKey = await fixture.Api.CreateAppWithKeyAsync(billing, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(orders, "dev", "application", ("Orders:Greeting", "o1"));
        await fixture.Api.PublishItemsAsync(billing, "dev", "application", ("Billing:Greeting", "b1"));
        var billingRevision = await fixture.Api.PublishItemsAsync(billing, "dev", "application", ("Billing:Greeting", "b2"));

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfigCenter(o => UseServer(o, orders, ordersKey));
        builder.Configuration.AddConfigCenter(o => UseServer(o, billing, billingKey));
        builder.Services.AddConfigCenterChanges();
        using var host = builder.Build();
        var changes = host.Services.GetRequiredService<IConfigCenterChanges>();
        var seen = new ConcurrentQueue<ConfigCenterChange>();
        using var subscription = changes.Subscribe(seen.Enqueue);

        var ordersApplication = new ConfigCenterNamespace(orders, "dev", "application");
        var billingApplication = new ConfigCenterNamespace(billing, "dev", "application");
        Assert.Equal(new Dictionary<ConfigCenterNamespace, long> { [ordersApplication] = 1, [billingApplication] = billingRevision },
            changes.AppliedRevisions);

        var ordersRevision = await fixture.Api.PublishItemsAsync(orders, "dev", "application", ("Orders:Greeting", "o2"));

        await WaitFor.ConditionAsync(() => !seen.IsEmpty, Timeout, "the orders publish is reported");
        var change = Assert.Single(seen);
        Assert.Equal((orders, "dev", "application", 1L, ordersRevision), (change.App, change.Environment, change.Namespace, change.OldRevision, change.NewRevision));
        Assert.Equal(ordersRevision, changes.AppliedRevisions[ordersApplication]);
        Assert.Equal(billingRevision, changes.AppliedRevisions[billingApplication]);
        Assert.Equal("o2", builder.Configuration["Orders:Greeting"]);
        Assert.Equal("b2", builder.Configuration["Billing:Greeting"]);
        Assert.Equal($"{orders}/dev/application", ordersApplication.ToString());
    }

    private void UseServer(ConfigCenterOptions o, string app, string key)
    {
        o.App = app;
        o.Environment = "dev";
        o.Server.Url = fixture.Server.BaseAddress.ToString();
        o.Server.ApiKey = key;
        o.CacheDirectory = Directory.CreateTempSubdirectory("cc-two-apps-").FullName;
    }
}

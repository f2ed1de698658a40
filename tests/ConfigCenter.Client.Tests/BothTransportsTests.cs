using System.Text.Json;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests;

/// <summary>etcd and the server hub at the same time: the newest revision wins, nothing is applied twice.</summary>
public sealed class BothTransportsTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Publish_WithBothTransports_IsAppliedOnce_AfterBothDeliveredIt()
    {
        var app = ServerFixtureBase.NewApp("both-publish");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "one"));
        using var client = TestClient.Start(o => UseBoth(o, app, key, fixture.Etcd!.Endpoints[0], fixture.Server.BaseAddress.ToString()));
        await WaitFor.ConditionAsync(() => client.Runtime.Transports.All(t => t.Connected), Timeout, "both transports connect");

        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "two"));

        await client.WaitAppliedAsync("application", revision);
        var applied = Assert.Single(client.ChangeEvents);
        var other = applied.Source == "etcd" ? "hub" : "etcd";
        await WaitFor.ConditionAsync(() => client.Logs.Has(LogLevel.Debug, $"Ignored application r{revision} from {other}"),
            Timeout, $"{other} delivered the release too, after {applied.Source}");
        Assert.Equal("two", client.Monitor.CurrentValue.Greeting);
        Assert.Single(client.OptionChanges);
        Assert.Equal(revision, Assert.Single(client.ChangeEvents).NewRevision);
    }

    [Fact]
    public async Task PublishWhileDisconnectedFromEverything_IsCaughtUpOnReconnect()
    {
        var app = ServerFixtureBase.NewApp("both-gap");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "before"), ("Color", "red"));
        await using var etcdProxy = new TcpProxy(new Uri(fixture.Etcd!.Endpoints[0]));
        await using var serverProxy = new TcpProxy(fixture.Server.BaseAddress);
        using var client = TestClient.Start(o => UseBoth(o, app, key, etcdProxy.Url, serverProxy.Url));
        await WaitFor.ConditionAsync(() => client.Runtime.Transports.All(t => t.Connected), Timeout, "both transports connect");

        etcdProxy.Disconnect();
        serverProxy.Disconnect();
        await WaitFor.ConditionAsync(() => client.Runtime.Transports.All(t => !t.Connected), Timeout, "the client notices it is cut off");
        var revision = await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "during"), ("Color", null));
        Assert.Equal("before", client["Greeting"]);
        etcdProxy.Reconnect();
        serverProxy.Reconnect();

        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("during", client["Greeting"]);
        Assert.Null(client["Color"]);
        await WaitFor.ConditionAsync(() => client.Runtime.Transports.All(t => t.Connected), Timeout, "both transports reconnect");
        Assert.Single(client.OptionChanges);
        Assert.Equal(revision, Assert.Single(client.ChangeEvents).NewRevision);
    }

    [Fact]
    public async Task InstancesEndpoint_ShowsTheRevisionEachClientApplied()
    {
        var app = ServerFixtureBase.NewApp("both-instances");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"), ("database", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "a"));
        await fixture.PublishDeliveredAsync(app, "database", ("Pool:Size", "1"));
        var server = fixture.Server.BaseAddress.ToString();
        using var first = TestClient.Start(o =>
        {
            UseBoth(o, app, key, fixture.Etcd!.Endpoints[0], server);
            o.InstanceId = $"{app}-first";
            o.Namespaces = ["application", "database"];
        });
        using var second = TestClient.Start(o =>
        {
            UseBoth(o, app, key, fixture.Etcd!.Endpoints[0], server);
            o.InstanceId = $"{app}-second";
            o.Namespaces = ["application"];
        });
        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "b"));

        var instances = await WaitFor.ValueAsync(
            () => fixture.Api.InstancesAsync(app, "dev"),
            list => list.GetArrayLength() == 2 && list.EnumerateArray().All(i => Revision(i, "application") == revision),
            Timeout, "both instances report the new revision as applied");

        var byId = instances.EnumerateArray().ToDictionary(i => i.GetProperty("instanceId").GetString()!);
        Assert.Equal(1, Revision(byId[$"{app}-first"], "database"));
        Assert.Equal(0, Revision(byId[$"{app}-second"], "database"));
        Assert.True(byId[$"{app}-first"].GetProperty("connected").GetBoolean());
        Assert.Equal(Environment.ProcessId, byId[$"{app}-first"].GetProperty("processId").GetInt32());
        Assert.False(string.IsNullOrEmpty(byId[$"{app}-first"].GetProperty("clientVersion").GetString()));
    }

    private static long Revision(JsonElement instance, string ns) =>
        instance.GetProperty("revisions").TryGetProperty(ns, out var revision) ? revision.GetInt64() : 0;

    private void UseBoth(ConfigCenterOptions o, string app, string key, string etcd, string server)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [etcd];
        o.Etcd.Prefix = fixture.Server.Prefix;
        o.Server.Url = server;
        o.Server.ApiKey = key;
    }
}

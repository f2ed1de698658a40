using ConfigCenter.Client.Internal;
using ConfigCenter.Client.Server;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// An app deleted and created again starts a new release history (a new generation) at r1: running clients of every
/// transport apply that r1 although they hold r3 of the old history.
/// </summary>
public sealed class RecreatedAppTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EtcdClient_AppliesR1OfTheRecreatedApp_OverR3OfTheDeletedOne()
    {
        var app = ServerFixtureBase.NewApp("recreate-etcd");
        await PublishThreeAsync(app);
        using var client = TestClient.Start(o => UseEtcd(o, app));
        var old = client.Runtime.Applier.Current["application"];

        await RecreateAsync(app);
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "recreated"));

        await AssertAppliesR1Async(client, old, "etcd");
    }

    [Fact]
    public async Task EtcdClient_AppliesALowerRevisionOfANewerGeneration_WrittenOverTheSameKey()
    {
        // The documents are written as the server's relay writes them, so this holds whatever the server does.
        var app = ServerFixtureBase.NewApp("generation-etcd");
        var key = EtcdKeys.Config(fixture.Server.Prefix, "dev", app, "application");
        await fixture.Etcd!.PutAsync(key, Json(app, 3, "0000000000010000aaaa", "old-r3"));
        using var client = TestClient.Start(o => UseEtcd(o, app));
        var old = client.Runtime.Applier.Current["application"];

        await fixture.Etcd.DeleteAsync(key);
        await fixture.Etcd.PutAsync(key, Json(app, 1, "0000000000020000bbbb", "recreated"));

        await AssertAppliesR1Async(client, old, "etcd");
    }

    [Fact]
    public async Task HubClient_ReconnectingAfterTheRecreate_SubscribesWithItsGeneration_AndGetsR1()
    {
        var app = ServerFixtureBase.NewApp("recreate-hub");
        var key = await PublishThreeAsync(app);
        await using var proxy = new TcpProxy(fixture.Server.BaseAddress);
        ConfigCenterOptions? options = null;
        using var client = TestClient.Start(o =>
        {
            options = o;
            UseServer(o, app, key, proxy.Url);
        });
        var old = client.Runtime.Applier.Current["application"];
        proxy.Disconnect();
        await WaitFor.ConditionAsync(() => !client.Runtime.Transports[0].Connected, Timeout, "the client notices it is cut off");

        // The old key went with the deleted app: the service is given a key of the new app, as its operator would.
        options!.Server.ApiKey = await RecreateAsync(app);
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "recreated"));
        proxy.Reconnect();

        await AssertAppliesR1Async(client, old, "hub");
    }

    [Fact]
    public async Task ClientWithBothTransports_AppliesR1OfTheRecreatedApp_Once()
    {
        var app = ServerFixtureBase.NewApp("recreate-both");
        var key = await PublishThreeAsync(app);
        ConfigCenterOptions? options = null;
        using var client = TestClient.Start(o =>
        {
            options = o;
            UseEtcd(o, app);
            UseServer(o, app, key, fixture.Server.BaseAddress.ToString());
        });
        await WaitFor.ConditionAsync(() => client.Runtime.Transports.All(t => t.Connected), Timeout, "both transports connect");
        var old = client.Runtime.Applier.Current["application"];

        options!.Server.ApiKey = await RecreateAsync(app);
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "recreated"));

        var change = await AssertAppliesR1Async(client, old, source: null);
        var other = change.Source == "etcd" ? "hub" : "etcd";
        // The other transport either delivers r1 too (and it is ignored), or — when the hub had to reconnect with the
        // new app's key after r1 was applied — subscribes knowing r1 and gets nothing. A transport reports itself
        // connected only after it offered what it received on (re)connecting, so by then a duplicate was already offered.
        await WaitFor.ConditionAsync(() => client.Logs.Has(LogLevel.Debug, $"Ignored application r1 from {other}")
            || client.Runtime.Transports.All(t => t.Connected), Timeout, $"{other} delivered r1 too or is connected again");
        Assert.Single(client.ChangeEvents, c => c.Namespace == "application" && c.NewRevision == 1);
    }

    [Fact]
    public async Task HttpSnapshot_RevalidatingR3OfTheDeletedApp_GetsR1OfTheRecreatedOne()
    {
        var app = ServerFixtureBase.NewApp("recreate-http");
        var options = new ConfigCenterOptions { App = app, Environment = "dev" };
        options.Server.Url = fixture.Server.BaseAddress.ToString();
        options.Server.ApiKey = await PublishThreeAsync(app);
        var applier = new ReleaseApplier(options, NullLogger.Instance);
        using var snapshots = new SnapshotClient(options, applier);
        await snapshots.FetchAllAsync(CancellationToken.None);
        var old = applier.Current["application"];

        options.Server.ApiKey = await RecreateAsync(app);
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "recreated"));
        await snapshots.FetchAllAsync(CancellationToken.None);

        var current = applier.Current["application"];
        Assert.Equal((3L, 1L, "recreated"), (old.Revision, current.Revision, current.Items["Greeting"]));
        Assert.True(ReleaseOrder.IsNewer(current, old), $"generation '{current.Generation}' is newer than '{old.Generation}'");
    }

    private async Task<ConfigCenterChange> AssertAppliesR1Async(TestClient client, ReleaseDocument old, string? source)
    {
        await WaitFor.ConditionAsync(() => client["Greeting"] == "recreated", Timeout, "the client applies r1 of the recreated app");
        var current = client.Runtime.Applier.Current["application"];
        Assert.Equal((3L, 1L), (old.Revision, current.Revision));
        Assert.NotEqual("", current.Generation);
        Assert.True(ReleaseOrder.IsNewer(current, old), $"generation '{current.Generation}' is newer than '{old.Generation}'");
        await WaitFor.ConditionAsync(() => !client.OptionChanges.IsEmpty && !client.ChangeEvents.IsEmpty, Timeout, "the change is reported");
        Assert.Equal("recreated", Assert.Single(client.OptionChanges)["Greeting"]);
        var change = Assert.Single(client.ChangeEvents);
        Assert.Equal((3L, 1L), (change.OldRevision, change.NewRevision));
        if (source is not null) Assert.Equal(source, change.Source);
        return change;
    }

    private static string Json(string app, long revision, string generation, string greeting)
    {
        var items = new Dictionary<string, string?> { ["Greeting"] = greeting };
        return System.Text.Json.JsonSerializer.Serialize(new ReleaseDocument
        {
            App = app,
            Environment = "dev",
            Namespace = "application",
            Revision = revision,
            Generation = generation,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "test",
            Checksum = ReleaseChecksum.Compute(items),
            Items = items,
        }, ContractsJsonContext.Default.ReleaseDocument);
    }

    /// <summary>Creates the app and publishes r1, r2, r3 of <c>application</c> (in etcd too); returns a client key.</summary>
    private async Task<string> PublishThreeAsync(string app)
    {
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        for (var i = 1; i <= 3; i++) await fixture.PublishDeliveredAsync(app, "application", ("Greeting", $"old-r{i}"));
        return key;
    }

    /// <summary>Deletes the app and creates it again with the same namespace; returns a key of the new app.</summary>
    private async Task<string> RecreateAsync(string app)
    {
        await fixture.Api.DeleteAppAsync(app);
        return await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
    }

    private void UseEtcd(ConfigCenterOptions o, string app)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [.. fixture.Etcd!.Endpoints];
        o.Etcd.Prefix = fixture.Server.Prefix;
    }

    private static void UseServer(ConfigCenterOptions o, string app, string key, string url)
    {
        o.App = app;
        o.Environment = "dev";
        o.Server.Url = url;
        o.Server.ApiKey = key;
    }
}

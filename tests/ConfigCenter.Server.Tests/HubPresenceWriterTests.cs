using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Instances;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Tests;

/// <summary>The presence entries a replica writes for its hub clients, against a real etcd.</summary>
public sealed class HubPresenceWriterTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task ManyClientsConnecting_EachEntryIsWrittenOnce_NotEveryClientOfTheAppPerChange()
    {
        // Before: every connect re-examined every instance of the app (N connects = N²/2 entries built: 2 million
        // here); the fan-out benchmark's 10,000 clients kept a server core busy long after they had connected.
        const int Clients = 2_000;
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var tracker = new InstanceTracker(TimeProvider.System);
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] });
        var options = Options.Create(new ConfigCenterServerOptions { Etcd = new() { Endpoints = [.. etcd.Endpoints], Prefix = prefix } });
        await using var writer = new HubPresenceWriter(tracker, connection, options, NullLogger<HubPresenceWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < Clients; i++)
            tracker.Connected("orders", "prod", new ClientInstanceInfo { InstanceId = $"i{i:0000}", Host = "host", ProcessId = i, ClientVersion = "1" }, "hub");
        var registry = $"{prefix}/registry/prod/orders/";
        await WaitFor.ConditionAsync(async () => (await etcd.Cluster.RangeAsync(registry)).Count == Clients, TimeSpan.FromSeconds(60),
            $"{Clients} presence entries in etcd");
        Assert.InRange(writer.Synced, Clients, 2 * Clients);

        // Leaving removes exactly the entries of the clients that left; the others stay.
        for (var i = 0; i < Clients; i += 2) tracker.Disconnected("orders", "prod", $"i{i:0000}");
        await WaitFor.ConditionAsync(async () => (await etcd.Cluster.RangeAsync(registry)).Count == Clients / 2, TimeSpan.FromSeconds(60),
            $"{Clients / 2} presence entries left");
        var left = await etcd.Cluster.RangeAsync(registry);
        Assert.All(left, entry => Assert.True(int.Parse(entry.Key[^4..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1, entry.Key));
        Assert.InRange(writer.Synced, Clients + Clients / 2, 2 * (Clients + Clients / 2));

        // A client that applies a revision gets its entry rewritten with it.
        tracker.Applied("orders", "prod", "i0001", "application", 7);
        await WaitFor.ConditionAsync(async () => (await etcd.Cluster.GetAsync(registry + "i0001"))?.Contains("\"application\":7", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30), "the applied revision in i0001's entry");
    }
}

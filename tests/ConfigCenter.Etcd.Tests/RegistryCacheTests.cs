using ConfigCenter.Testing;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The registry cache of one environment against one real etcd member.</summary>
public sealed class RegistryCacheTests(EtcdClusterFixture fixture) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string Entry(string service, string id, int port, string health = "passing") =>
        $$"""{"service":"{{service}}","instanceId":"{{id}}","address":"10.0.0.5","port":{{port}},"health":"{{health}}"}""";

    [Fact]
    public async Task Cache_ReadsEveryInstanceOfItsEnvironment_FollowsPutsAndDeletes_AndIgnoresWhatIsNotAnEntry()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await fixture.Cluster.PutAsync($"{prefix}/registry/dev/user/u1", Entry("user", "u1", 1));
        await fixture.Cluster.PutAsync($"{prefix}/registry/dev/user/u2", Entry("user", "u2", 2));
        await fixture.Cluster.PutAsync($"{prefix}/registry/prod/user/p1", Entry("user", "p1", 3));
        await fixture.Cluster.PutAsync($"{prefix}/registry/dev/user/broken", "not json");
        await fixture.Cluster.PutAsync($"{prefix}/registry/dev/user/too/deep", Entry("user", "x", 4));
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] });
        await using var cache = new EtcdRegistryCache(connection, prefix, "dev");
        var changes = new List<IReadOnlyCollection<string>>();
        cache.Changed += (_, services) => { lock (changes) changes.Add(services); };
        cache.Start();

        await cache.WaitReadyAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["u1", "u2"], cache.GetInstances("user").Select(e => e.InstanceId));
        Assert.Empty(cache.GetInstances("order"));

        // The key names the instance, whatever the body claims.
        await fixture.Cluster.PutAsync($"{prefix}/registry/dev/order/o1", Entry("someone-else", "zz", 5, "critical"));
        await fixture.Cluster.DeleteAsync($"{prefix}/registry/dev/user/u1");
        await WaitFor.ConditionAsync(() => cache.GetInstances("user").Count == 1 && cache.GetInstances("order").Count == 1, Timeout, "the put and the delete");

        var order = Assert.Single(cache.GetInstances("order"));
        Assert.Equal(("order", "o1", 5, "critical"), (order.Service, order.InstanceId, order.Port, order.Health));
        // Fields the writer left out read as their documented defaults.
        Assert.Equal("http", order.Scheme);
        Assert.Empty(order.Metadata);
        Assert.Empty(order.ConfigRevisions);
        Assert.Equal("u2", Assert.Single(cache.GetInstances("user")).InstanceId);
        Assert.Equal(["order", "user"], cache.Services.Keys.Order(StringComparer.Ordinal));

        await fixture.Cluster.DeleteAsync($"{prefix}/registry/dev/order/o1");
        await WaitFor.ConditionAsync(() => !cache.Services.ContainsKey("order"), Timeout, "a service with no instance left is gone");
        lock (changes) Assert.Contains(changes, c => c.Contains("order"));
    }
}

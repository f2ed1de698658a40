using System.Collections.Concurrent;
using System.Diagnostics;
using ConfigCenter.Testing;
using Etcdserverpb;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The lease keeper against real etcd: keys on the lease, kept alive, re-granted after a loss, revoked on dispose.</summary>
public sealed class LeaseKeeperTests(EtcdClusterFixture fixture) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Put_StoresTheKeyOnTheKeepersLease()
    {
        var key = $"{EtcdClusterFixtureBase.NewPrefix()}/instance";
        using var connection = Connect(fixture.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);

        await keeper.PutAsync(key, "up", CancellationToken.None);

        var kv = await connection.GetAsync(key);
        Assert.Equal("up", kv!.Value.ToStringUtf8());
        Assert.Equal(lease, kv.Lease);
    }

    [Fact]
    public async Task KeepAlive_KeepsTheKeysPastTheTtl()
    {
        var key = $"{EtcdClusterFixtureBase.NewPrefix()}/instance";
        using var connection = Connect(fixture.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        await keeper.PutAsync(key, "up", CancellationToken.None); // owned before the first grant: put once it is granted
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);

        // The key must be there at every look during three TTLs: without keep-alives etcd deletes it after one.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < 3 * Ttl)
        {
            var kv = await connection.GetAsync(key);
            Assert.True(kv is not null, $"the key vanished after {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(lease, kv.Lease);
            await Task.Delay(WaitFor.PollInterval * 5);
        }
        Assert.Equal(lease, keeper.LeaseId);
    }

    [Fact]
    public async Task Dispose_RevokesTheLease_SoTheKeysVanishAtOnce()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = Connect(fixture.Endpoints);
        var keeper = new EtcdLeaseKeeper(connection, TimeSpan.FromSeconds(30));
        keeper.Start();
        await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        await keeper.PutAsync($"{prefix}/a", "1", CancellationToken.None);
        await keeper.PutAsync($"{prefix}/b", "2", CancellationToken.None);

        await keeper.DisposeAsync();

        // No wait: with a 30 s TTL only the revocation can have removed them.
        Assert.Null(await connection.GetAsync($"{prefix}/a"));
        Assert.Null(await connection.GetAsync($"{prefix}/b"));
    }

    [Fact]
    public async Task Delete_RemovesTheKey_AndANewLeaseDoesNotBringItBack()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = Connect(fixture.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        var granted = new ConcurrentQueue<EtcdLeaseEventArgs>();
        keeper.LeaseGranted += (_, e) => granted.Enqueue(e);
        keeper.Start();
        var first = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        await keeper.PutAsync($"{prefix}/kept", "1", CancellationToken.None);
        await keeper.PutAsync($"{prefix}/deleted", "1", CancellationToken.None);

        await keeper.DeleteAsync($"{prefix}/deleted", CancellationToken.None);
        await RevokeAsync(connection, first);
        await WaitFor.ConditionAsync(() => granted.Count == 2, Timeout, "the keeper granted a new lease");

        Assert.NotNull(await connection.GetAsync($"{prefix}/kept"));
        Assert.Null(await connection.GetAsync($"{prefix}/deleted"));
    }

    [Fact]
    public async Task LeaseRevokedElsewhere_IsReplaced_AndTheKeysArePutAgain()
    {
        var key = $"{EtcdClusterFixtureBase.NewPrefix()}/instance";
        using var connection = Connect(fixture.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        var lost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        var granted = new ConcurrentQueue<EtcdLeaseEventArgs>();
        keeper.LeaseLost += (_, e) => lost.Enqueue(e);
        keeper.LeaseGranted += (_, e) => granted.Enqueue(e);
        keeper.Start();
        var first = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        await keeper.PutAsync(key, "up", CancellationToken.None);

        // The keep-alive then answers TTL 0 ("lease not found"), as after an outage longer than the TTL.
        await RevokeAsync(connection, first);

        await WaitFor.ConditionAsync(() => granted.Count == 2, Timeout, "the keeper granted a new lease");
        var kv = await connection.GetAsync(key);
        Assert.Equal(keeper.LeaseId, kv!.Lease);
        Assert.NotEqual(first, kv.Lease);
        Assert.Equal(first, Assert.Single(lost).LeaseId);
        Assert.Equal(first, granted.Last().PreviousLeaseId);
    }

    [Fact]
    public async Task EtcdDownLongerThanTheTtl_NewLeaseIsGrantedAndTheKeysArePutAgain()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        var key = "/registry/dev/svc/instance-1";
        using var connection = Connect(etcd.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        var lost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        var granted = new ConcurrentQueue<EtcdLeaseEventArgs>();
        keeper.LeaseLost += (_, e) => lost.Enqueue(e);
        keeper.LeaseGranted += (_, e) => granted.Enqueue(e);
        keeper.Start();
        var first = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        await keeper.PutAsync(key, "up", CancellationToken.None);

        await etcd.StopMemberAsync(0);
        try
        {
            await WaitFor.ConditionAsync(() => !lost.IsEmpty, Timeout, "the keeper gave the lease up once the TTL passed unconfirmed");
            Assert.Equal(0, keeper.LeaseId);
        }
        finally
        {
            await etcd.StartMemberAsync(0);
        }

        await WaitFor.ConditionAsync(() => granted.Count == 2, Timeout, "the keeper granted a new lease once etcd answered");
        var second = keeper.LeaseId;
        Assert.NotEqual(first, second);
        Assert.Equal(first, granted.Last().PreviousLeaseId);
        var kv = await connection.GetAsync(key);
        Assert.Equal("up", kv!.Value.ToStringUtf8());
        Assert.Equal(second, kv.Lease);
    }

    private static EtcdConnection Connect(IReadOnlyList<string> endpoints) =>
        new(new EtcdClientOptions { Endpoints = [.. endpoints], RequestTimeout = TimeSpan.FromSeconds(2) });

    private static Task RevokeAsync(EtcdConnection connection, long lease) =>
        connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, o).ResponseAsync,
            CancellationToken.None);
}

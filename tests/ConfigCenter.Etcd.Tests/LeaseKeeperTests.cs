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
    public async Task PutOnALeaseGrantedAhead_IsExactlyOneEtcdWrite()
    {
        var key = $"{EtcdClusterFixtureBase.NewPrefix()}/instance";
        using var connection = Connect(fixture.Endpoints);
        await using var keeper = new EtcdLeaseKeeper(connection, TimeSpan.FromSeconds(30));
        var beforeGrant = await RaftIndexAsync(connection);
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        var granted = await RaftIndexAsync(connection);
        // The grant is a raft entry of its own (so the measure sees it); a keeper that owns no key writes nothing else.
        Assert.Equal(beforeGrant + 1, granted);
        Assert.Empty(keeper.Keys);

        await keeper.PutAsync(key, "up", CancellationToken.None);

        Assert.Equal(granted + 1, await RaftIndexAsync(connection));
        Assert.Equal(lease, (await connection.GetAsync(key))!.Lease);
        Assert.Equal(lease, await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    /// <summary>etcd's applied raft index: every write (put, txn, lease grant or revoke) adds one entry; reads and keep-alives add none.</summary>
    private static async Task<ulong> RaftIndexAsync(EtcdConnection connection) =>
        (await connection.CallAsync((invoker, o) => new Maintenance.MaintenanceClient(invoker).StatusAsync(new StatusRequest(), o).ResponseAsync,
            CancellationToken.None)).RaftAppliedIndex;

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

    [Fact]
    public async Task ManyKeepersOnOneConnection_ShareOneKeepAliveStream_AndKeepEveryLeasePastThreeTtls()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = Connect(fixture.Endpoints);
        var keepers = Enumerable.Range(0, 20).Select(_ => new EtcdLeaseKeeper(connection, Ttl)).ToArray();
        try
        {
            for (var i = 0; i < keepers.Length; i++)
            {
                await keepers[i].PutAsync($"{prefix}/{i}", "up", CancellationToken.None);
                keepers[i].Start();
            }
            var leases = await Task.WhenAll(keepers.Select(k => k.WaitForLeaseAsync(CancellationToken.None))).WaitAsync(Timeout);
            Assert.Equal(leases.Length, leases.Distinct().Count());

            // Every key must be there at every look during three TTLs: without keep-alives etcd deletes them after one.
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < 3 * Ttl)
            {
                for (var i = 0; i < keepers.Length; i++)
                {
                    var kv = await connection.GetAsync($"{prefix}/{i}");
                    Assert.True(kv is not null, $"key {i} vanished after {watch.Elapsed.TotalSeconds:0.0} s");
                    Assert.Equal(leases[i], kv.Lease);
                }
                await Task.Delay(WaitFor.PollInterval * 5);
            }
            Assert.Equal(leases, keepers.Select(k => k.LeaseId));
            Assert.Equal(keepers.Length, connection.KeepAlives.Count);
            Assert.Equal(1, connection.KeepAlives.StreamsOpened);
        }
        finally
        {
            await Task.WhenAll(keepers.Select(k => k.DisposeAsync().AsTask()));
        }
        Assert.Equal(0, connection.KeepAlives.Count);
    }

    [Fact]
    public async Task SharedStream_LeaseRevokedElsewhere_IsReportedByItsKeeperOnly_AndReplaced()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = Connect(fixture.Endpoints);
        await using var victim = new EtcdLeaseKeeper(connection, Ttl);
        await using var bystander = new EtcdLeaseKeeper(connection, Ttl);
        var victimLost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        var bystanderLost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        var victimGranted = new ConcurrentQueue<EtcdLeaseEventArgs>();
        victim.LeaseLost += (_, e) => victimLost.Enqueue(e);
        victim.LeaseGranted += (_, e) => victimGranted.Enqueue(e);
        bystander.LeaseLost += (_, e) => bystanderLost.Enqueue(e);
        await victim.PutAsync($"{prefix}/victim", "up", CancellationToken.None);
        await bystander.PutAsync($"{prefix}/bystander", "up", CancellationToken.None);
        victim.Start();
        bystander.Start();
        var first = await victim.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        var kept = await bystander.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);

        await RevokeAsync(connection, first);

        await WaitFor.ConditionAsync(() => victimGranted.Count == 2, Timeout, "the victim's keeper granted a new lease");
        var lost = Assert.Single(victimLost);
        Assert.Equal(first, lost.LeaseId);
        Assert.Contains("no longer knows", lost.Reason, StringComparison.Ordinal);
        Assert.Equal(victim.LeaseId, (await connection.GetAsync($"{prefix}/victim"))!.Lease);
        // The other lease on the same stream is untouched, and still alive a TTL later.
        await Task.Delay(Ttl + Ttl / 2);
        Assert.Empty(bystanderLost);
        Assert.Equal(kept, bystander.LeaseId);
        Assert.Equal(kept, (await connection.GetAsync($"{prefix}/bystander"))!.Lease);
        Assert.Equal(1, connection.KeepAlives.StreamsOpened);
    }

    [Fact]
    public async Task SharedStream_DisposingOneKeeper_RevokesOnlyItsLease_TheOthersStayAlive()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = Connect(fixture.Endpoints);
        var leaving = new EtcdLeaseKeeper(connection, TimeSpan.FromSeconds(30));
        await using var staying = new EtcdLeaseKeeper(connection, Ttl);
        leaving.Start();
        staying.Start();
        await leaving.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        var kept = await staying.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);
        await leaving.PutAsync($"{prefix}/leaving", "1", CancellationToken.None);
        await staying.PutAsync($"{prefix}/staying", "1", CancellationToken.None);

        await leaving.DisposeAsync();

        // No wait: with a 30 s TTL only the revocation can have removed it.
        Assert.Null(await connection.GetAsync($"{prefix}/leaving"));
        Assert.Equal(1, connection.KeepAlives.Count);
        await Task.Delay(3 * Ttl);
        Assert.Equal(kept, (await connection.GetAsync($"{prefix}/staying"))!.Lease);
    }

    [Fact]
    public async Task SharedStream_EtcdDownLongerThanTheTtl_EveryKeeperReportsTheLoss_AndReRegisters()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        using var connection = Connect(etcd.Endpoints);
        var keepers = Enumerable.Range(0, 3).Select(_ => new EtcdLeaseKeeper(connection, Ttl)).ToArray();
        var lost = new ConcurrentQueue<long>();
        var granted = new ConcurrentQueue<long>();
        try
        {
            for (var i = 0; i < keepers.Length; i++)
            {
                keepers[i].LeaseLost += (_, e) => lost.Enqueue(e.LeaseId);
                keepers[i].LeaseGranted += (_, e) => granted.Enqueue(e.LeaseId);
                await keepers[i].PutAsync($"/registry/dev/svc/i-{i}", "up", CancellationToken.None);
                keepers[i].Start();
            }
            var first = await Task.WhenAll(keepers.Select(k => k.WaitForLeaseAsync(CancellationToken.None))).WaitAsync(Timeout);

            await etcd.StopMemberAsync(0);
            try
            {
                await WaitFor.ConditionAsync(() => lost.Count == keepers.Length, Timeout, "every keeper gave its lease up once the TTL passed unconfirmed");
                Assert.Equal(first.Order(), lost.Order());
            }
            finally
            {
                await etcd.StartMemberAsync(0);
            }

            await WaitFor.ConditionAsync(() => granted.Count == 2 * keepers.Length, Timeout, "every keeper granted a new lease once etcd answered");
            for (var i = 0; i < keepers.Length; i++)
            {
                Assert.NotEqual(first[i], keepers[i].LeaseId);
                var kv = await connection.GetAsync($"/registry/dev/svc/i-{i}");
                Assert.Equal(keepers[i].LeaseId, kv!.Lease);
            }
            Assert.Equal(keepers.Length, connection.KeepAlives.Count);
        }
        finally
        {
            await Task.WhenAll(keepers.Select(k => k.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task PutThatFailedWhileEtcdWasDown_IsPutByTheKeeperOnTheSameLease_OnceEtcdAnswers()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        using var connection = Connect(etcd.Endpoints);
        // A TTL far longer than the outage: the lease survives it, so only the keeper's retry can put the key.
        await using var keeper = new EtcdLeaseKeeper(connection, TimeSpan.FromSeconds(30));
        var lost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        keeper.LeaseLost += (_, e) => lost.Enqueue(e);
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);

        await etcd.StopMemberAsync(0);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => keeper.PutAsync("/registry/dev/svc/late", "up", CancellationToken.None));
        }
        finally
        {
            await etcd.StartMemberAsync(0);
        }

        await WaitFor.ConditionAsync(async () => (await connection.GetAsync("/registry/dev/svc/late"))?.Lease == lease, Timeout,
            "the keeper put the key that failed, on the lease it still holds");
        Assert.Empty(lost);
        Assert.Equal(lease, keeper.LeaseId);
    }

    [Fact]
    public async Task PartitionedFromEtcd_TheLeaseIsGivenUpOnceTheTtlPassedUnconfirmed_EvenWithTheStreamStuck()
    {
        // A partition that drops packets: connections stay open (or open and then carry nothing), no call fails fast.
        await using var proxy = new PartitionProxy(new Uri(fixture.Endpoints[0]));
        using var connection = Connect([proxy.Endpoint]);
        await using var keeper = new EtcdLeaseKeeper(connection, Ttl);
        var lost = new ConcurrentQueue<EtcdLeaseEventArgs>();
        keeper.LeaseLost += (_, e) => lost.Enqueue(e);
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(Timeout);

        proxy.Partition();
        var partitioned = Stopwatch.StartNew();
        await WaitFor.ConditionAsync(() => !lost.IsEmpty, Timeout, "the keeper gave the lease up while partitioned");
        var after = partitioned.Elapsed;
        Assert.Equal(lease, Assert.Single(lost).LeaseId);
        Assert.Equal(0, keeper.LeaseId);
        // etcd expired it after the TTL as well: the keeper let go no earlier than a keep-alive period before that.
        Assert.True(after >= Ttl / 3, $"given up after {after.TotalSeconds:0.00} s");
        proxy.Heal();
    }

    private static EtcdConnection Connect(IReadOnlyList<string> endpoints) =>
        new(new EtcdClientOptions { Endpoints = [.. endpoints], RequestTimeout = TimeSpan.FromSeconds(2) });

    private static Task RevokeAsync(EtcdConnection connection, long lease) =>
        connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, o).ResponseAsync,
            CancellationToken.None);
}

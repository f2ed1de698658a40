using System.Diagnostics;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Etcd.Tests;

/// <summary>Leader election and locks against real etcd: order, takeover on lease expiry, resign, fencing, loss.</summary>
public sealed class ElectionTests(EtcdClusterFixture fixture) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoCandidates_TheFirstLeads_AndTheSecondWaits()
    {
        var name = $"{EtcdClusterFixtureBase.NewPrefix()}/election/dev/job";
        using var connection = Connect(fixture.Endpoints);
        var election = new EtcdElection(connection, name, Ttl);

        await using var first = await election.CampaignAsync("a", CancellationToken.None).WaitAsync(Timeout);
        var second = election.CampaignAsync("b", CancellationToken.None);

        await Task.Delay(WaitFor.PollInterval * 10); // give the second campaign a chance to (wrongly) win
        Assert.False(second.IsCompleted, "the second candidate must not lead while the first does");
        Assert.Equal("a", await election.LeaderAsync(CancellationToken.None));
        Assert.True(first.IsOwner);

        await first.ReleaseAsync(CancellationToken.None);
        await using var next = await second.WaitAsync(Timeout);
        Assert.Equal("b", await election.LeaderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task LeaderKilled_TheOtherTakesOverWithinTtlPlusTwoSeconds()
    {
        var name = $"{EtcdClusterFixtureBase.NewPrefix()}/election/dev/job";
        using var doomed = Connect(fixture.Endpoints);
        using var survivor = Connect(fixture.Endpoints);
        var leader = await new EtcdElection(doomed, name, Ttl).CampaignAsync("a", CancellationToken.None).WaitAsync(Timeout);
        var campaign = new EtcdElection(survivor, name, Ttl).CampaignAsync("b", CancellationToken.None);
        await WaitFor.ConditionAsync(async () => await CandidatesAsync(survivor, name) == 2, Timeout, "both candidates campaign");

        // Killed: the connection goes away without resigning, so only the lease expiry frees the election.
        var killedAt = Stopwatch.StartNew();
        doomed.Dispose();

        await using var next = await campaign.WaitAsync(Timeout);
        Assert.True(killedAt.Elapsed < Ttl + TimeSpan.FromSeconds(2), $"took over after {killedAt.Elapsed.TotalSeconds:0.0} s");
        Assert.True(next.FencingToken > leader.FencingToken);
        await leader.DisposeAsync();
    }

    [Fact]
    public async Task Resign_HandsOverAtOnce()
    {
        var name = $"{EtcdClusterFixtureBase.NewPrefix()}/election/dev/job";
        using var connection = Connect(fixture.Endpoints);
        var election = new EtcdElection(connection, name, TimeSpan.FromSeconds(30));
        var leader = await election.CampaignAsync("a", CancellationToken.None).WaitAsync(Timeout);
        var campaign = election.CampaignAsync("b", CancellationToken.None);
        await WaitFor.ConditionAsync(async () => await CandidatesAsync(connection, name) == 2, Timeout, "both candidates campaign");

        var resignedAt = Stopwatch.StartNew();
        await leader.DisposeAsync();

        // With a 30 s TTL, only the resignation can have handed over this fast.
        await using var next = await campaign.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(resignedAt.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(leader.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task WriteGuardedByAStaleFencingToken_IsRefused_AndTheCurrentLeadersWriteSucceeds()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var name = $"{prefix}/election/dev/job";
        var resource = $"{prefix}/resource";
        using var doomed = Connect(fixture.Endpoints);
        using var survivor = Connect(fixture.Endpoints);
        var old = await new EtcdElection(doomed, name, Ttl).CampaignAsync("a", CancellationToken.None).WaitAsync(Timeout);
        var campaign = new EtcdElection(survivor, name, Ttl).CampaignAsync("b", CancellationToken.None);
        Assert.True((await GuardedPutAsync(survivor, old, resource, "old leader while leading")).Succeeded);

        doomed.Dispose(); // the old leader pauses (GC, partition) past its lease
        await using var current = await campaign.WaitAsync(Timeout);

        // The old leader wakes up and writes with what it still believes: etcd refuses it.
        var stale = await GuardedPutAsync(survivor, old, resource, "old leader after losing");
        var fresh = await GuardedPutAsync(survivor, current, resource, "new leader");

        Assert.False(stale.Succeeded, "a write guarded by the stale fencing token must be refused");
        Assert.True(fresh.Succeeded, "the current leader's guarded write must succeed");
        Assert.Equal("new leader", (await survivor.GetAsync(resource))!.Value.ToStringUtf8());
        await old.DisposeAsync();
    }

    [Fact]
    public async Task Lock_IsExclusive_TheSecondAcquirerWaitsUntilRelease()
    {
        var name = $"{EtcdClusterFixtureBase.NewPrefix()}/lock/dev/migrate";
        using var connection = Connect(fixture.Endpoints);
        var mutex = new EtcdLock(connection, name, Ttl);

        var held = await mutex.AcquireAsync(CancellationToken.None).WaitAsync(Timeout);
        var waiting = mutex.AcquireAsync(CancellationToken.None);
        await WaitFor.ConditionAsync(async () => await CandidatesAsync(connection, name) == 2, Timeout, "the second acquirer waits in line");
        // Past the TTL: the keeper keeps the holder's lease alive, so the lock is still held.
        await Task.Delay(Ttl + TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted, "the lock was handed to a second holder while the first held it");
        Assert.True(held.IsOwner);

        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(Timeout);
        Assert.True(next.FencingToken > held.FencingToken);
        Assert.True((await GuardedPutAsync(connection, next, $"{name}-resource", "x")).Succeeded);
    }

    [Fact]
    public async Task EtcdDownLongerThanTheTtl_LostFires()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        using var connection = Connect(etcd.Endpoints);
        await using var leader = await new EtcdElection(connection, "/cc/election/dev/job", Ttl)
            .CampaignAsync("a", CancellationToken.None).WaitAsync(Timeout);
        Assert.False(leader.Lost.IsCancellationRequested);

        await etcd.StopMemberAsync(0);
        try
        {
            await WaitFor.ConditionAsync(() => leader.Lost.IsCancellationRequested, Timeout, "Lost fired once the lease went unconfirmed for its TTL");
            Assert.False(leader.IsOwner);
            Assert.NotNull(leader.LostReason);
        }
        finally
        {
            await etcd.StartMemberAsync(0);
        }
    }

    [Fact]
    public async Task OwnerKeyDeleted_LostFires()
    {
        var name = $"{EtcdClusterFixtureBase.NewPrefix()}/lock/dev/job";
        using var connection = Connect(fixture.Endpoints);
        await using var held = await new EtcdLock(connection, name, TimeSpan.FromSeconds(30)).AcquireAsync(CancellationToken.None).WaitAsync(Timeout);

        await connection.CallAsync((invoker, o) => new KV.KVClient(invoker).DeleteRangeAsync(
            new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(held.Key) }, o).ResponseAsync, CancellationToken.None);

        await WaitFor.ConditionAsync(() => held.Lost.IsCancellationRequested, Timeout, "Lost fired when the owner key was deleted");
    }

    private static Task<TxnResponse> GuardedPutAsync(EtcdConnection connection, EtcdOwnership owner, string key, string value)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(owner.IsOwnerCompare());
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) } });
        return connection.CallAsync((invoker, o) => new KV.KVClient(invoker).TxnAsync(txn, o).ResponseAsync, CancellationToken.None);
    }

    private static async Task<long> CandidatesAsync(EtcdConnection connection, string name)
    {
        var response = await connection.CallAsync((invoker, o) => new KV.KVClient(invoker).RangeAsync(
            new RangeRequest { Key = EtcdRanges.Key(name + "/"), RangeEnd = EtcdRanges.PrefixEnd(name + "/"), CountOnly = true }, o).ResponseAsync,
            CancellationToken.None);
        return response.Count;
    }

    private static EtcdConnection Connect(IReadOnlyList<string> endpoints) =>
        new(new EtcdClientOptions { Endpoints = [.. endpoints], RequestTimeout = TimeSpan.FromSeconds(2) });
}

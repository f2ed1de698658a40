using System.Diagnostics;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// Scenario 8: a network partition between the relaying replica and etcd. Replica A (the relay) reaches the etcd members
/// only through <see cref="PartitionProxy"/>s; replica B reaches them directly. The proxies hold all traffic while publishes go
/// through both replicas; then they let it through again.
/// </summary>
[Collection(PostgresFaultsCollection.Name)]
public sealed class EtcdPartitionTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int A = 0;
    private const int B = 1;
    private const int PartitionAfter = 20;

    [Fact]
    public async Task PartitioningTheRelayFromEtcd_FencesItOut_TheOtherReplicaDeliversEverything_InOrder_AndItRejoinsAsFollower()
    {
        var proxies = new List<PartitionProxy>();
        try
        {
            await using var rig = await FaultRig.StartOnPostgresAsync(postgres.Server, endpointsOf: (etcd, replica) =>
            {
                if (replica != A) return null;
                if (proxies.Count == 0) proxies.AddRange(etcd.Endpoints.Select(e => new PartitionProxy(new Uri(e))));
                return [.. proxies.Select(p => p.Endpoint)];
            }, firstRelays: true);
            await rig.StartClientAsync();
            var leaderA = (await rig.RelayStateAsync(A))!;
            Assert.True(leaderA.Relaying, "replica A relays before the partition");

            using var stop = new CancellationTokenSource();
            var publishing = Task.Run(async () =>
            {
                for (var seq = 1; !stop.IsCancellationRequested; seq++) await rig.PublishAsync(seq, seq % 2);
            });
            await WaitFor.ConditionAsync(() => ThrowIfFailed(publishing) && rig.Acknowledged.Count >= PartitionAfter, TimeSpan.FromSeconds(60),
                $"{PartitionAfter} publishes acknowledged");

            foreach (var proxy in proxies) proxy.Partition();
            var partition = Stopwatch.StartNew();
            var ackedAtPartition = rig.Acknowledged.Count;
            // B campaigns behind A's leader key, which etcd deletes when A's lease (TTL 5 s) runs out unrenewed.
            await WaitFor.ConditionAsync(async () => ThrowIfFailed(publishing) && await rig.RelayStateAsync(B) is { Relaying: true },
                TimeSpan.FromSeconds(30), "replica B relays while A is cut off from etcd");
            var tookOver = partition.Elapsed;
            // (Read after the takeover: a chunk read just before the partition may still have been on its way.)
            var forwardedAtTakeover = proxies.Sum(p => p.ForwardedBytes);
            var leaderB = (await rig.RelayStateAsync(B))!;
            Assert.True(leaderB.FencingToken > leaderA.FencingToken, $"a new fencing token: {leaderB.FencingToken} > {leaderA.FencingToken}");
            // A notices on its own (nothing confirmed its lease for a whole TTL) and stops relaying. Read from its log: its
            // status probes etcd and answers only after that times out, which would blur the figure by seconds.
            var replicaA = rig.Replicas[A]!;
            await WaitFor.ConditionAsync(() => replicaA.Wrote("stopped relaying the outbox"), TimeSpan.FromSeconds(30),
                "replica A logs that it stopped relaying while cut off");
            var aStopped = partition.Elapsed;

            // Both replicas keep accepting publishes into PostgreSQL; B delivers them all, A's included.
            await WaitFor.ConditionAsync(() => ThrowIfFailed(publishing) && rig.Acknowledged.Count >= ackedAtPartition + 20, TimeSpan.FromSeconds(30),
                "20 publishes acknowledged during the partition");
            await stop.CancelAsync();
            await publishing;
            var lastFromA = await rig.PublishAsync(rig.Acknowledged.Count + 1, A);
            await rig.WaitDeliveredAsync(TimeSpan.FromSeconds(30));
            var acknowledgedDuringPartition = rig.Acknowledged.Count - ackedAtPartition;
            Assert.Equal(forwardedAtTakeover, proxies.Sum(p => p.ForwardedBytes));
            var partitionedFor = partition.Elapsed;

            foreach (var proxy in proxies) proxy.Heal();
            var heal = Stopwatch.StartNew();
            // A rejoins as a follower: it campaigns again (a second candidate key behind B's), B keeps the relay.
            var election = $"{Contracts.EtcdKeys.NormalizePrefix(rig.Prefix)}/election/_server/outbox-relay/";
            await WaitFor.ConditionAsync(async () => (await rig.Etcd.RangeAsync(election)).Count == 2, TimeSpan.FromSeconds(30),
                "replica A campaigns again after the partition healed");
            var rejoined = heal.Elapsed;
            Assert.Equal(B, await rig.WaitForRelayLeaderAsync(TimeSpan.FromSeconds(10), expected: B));
            Assert.True((await rig.RelayStateAsync(A))?.Relaying == false, "replica A reports that it does not relay");

            var next = rig.Acknowledged.Count + 10;
            for (var i = 0; i < 6; i++) await rig.PublishAsync(next + i, i % 2);
            await rig.VerifyAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"partitioned replica A (the relay, fencing token {leaderA.FencingToken}) from etcd after {ackedAtPartition} acknowledged publishes; "
                + $"replica B relayed (token {leaderB.FencingToken}) after {tookOver.TotalSeconds:0.00} s (election lease TTL 5 s); A logged that it stopped relaying "
                + $"after {aStopped.TotalSeconds:0.00} s; {acknowledgedDuringPartition} publishes acknowledged during the {partitionedFor.TotalSeconds:0.00} s partition "
                + $"(last r{lastFromA.Revision} through A) all delivered by B, 0 bytes through the proxies from the takeover to the heal; after healing A campaigned again in "
                + $"{rejoined.TotalSeconds:0.00} s, B kept the relay; {rig.Acknowledged.Count} acknowledged, {rig.WrittenToEtcd} written to etcd on their own, "
                + $"etcd history in revision order; newest r{rig.Last!.Revision} everywhere");
        }
        finally
        {
            foreach (var proxy in proxies) await proxy.DisposeAsync();
        }
    }

    private static bool ThrowIfFailed(Task publishing)
    {
        if (publishing.IsFaulted) publishing.GetAwaiter().GetResult();
        return true;
    }
}

using System.Diagnostics;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 3 on PostgreSQL: <c>kill -9</c> of the relaying replica of two while publishes go through both.</summary>
[Collection(PostgresFaultsCollection.Name)]
public sealed class PostgresReplicaKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int KillAfter = 40;

    [Fact]
    public async Task KillingTheRelayingReplica_DuringPublishesThroughBoth_TheOtherTakesOver_LosesNothing_StoreIntact()
    {
        await using var rig = await FaultRig.StartOnPostgresAsync(postgres.Server);
        await rig.StartClientAsync();
        var victim = await rig.WaitForRelayLeaderAsync(TimeSpan.FromSeconds(30));
        var survivor = 1 - victim;

        var killed = -1;
        var inDoubt = 0;
        using var stop = new CancellationTokenSource();
        // Publishes alternate between the replicas; once the victim is killed they go through the survivor only.
        var publishing = Task.Run(async () =>
        {
            for (var seq = 1; !stop.IsCancellationRequested; seq++)
            {
                var replica = Volatile.Read(ref killed) == seq % 2 ? survivor : seq % 2;
                try
                {
                    await rig.PublishAsync(seq, replica);
                }
                catch (HttpRequestException) when (replica == Volatile.Read(ref killed))
                {
                    // Cut off by the kill: not acknowledged, may or may not have committed.
                    inDoubt++;
                }
            }
        });
        await WaitFor.ConditionAsync(() => rig.Acknowledged.Count >= KillAfter || publishing.IsCompleted, TimeSpan.FromSeconds(60),
            $"{KillAfter} publishes acknowledged");
        Volatile.Write(ref killed, victim);
        var takeover = Stopwatch.StartNew();
        await rig.Replicas[victim]!.KillHardAsync();
        var ackedAtKill = rig.Acknowledged.Count;

        // The survivor campaigns behind the dead leader's key, which goes when its lease (TTL 5 s) runs out.
        await rig.WaitForRelayLeaderAsync(TimeSpan.FromSeconds(30), expected: survivor);
        var tookOver = takeover.Elapsed;
        await rig.WaitDeliveredAsync(TimeSpan.FromSeconds(30));
        var deliveredAfter = takeover.Elapsed;
        await WaitFor.ConditionAsync(() => rig.Acknowledged.Count >= ackedAtKill + 10 || publishing.IsCompleted, TimeSpan.FromSeconds(30),
            "10 more publishes acknowledged by the survivor");
        await stop.CancelAsync();
        await publishing;
        Assert.InRange(inDoubt, 0, 1);
        rig.InDoubt = inDoubt;

        var restart = Stopwatch.StartNew();
        await rig.StartServerAsync(victim);
        var restartedIn = restart.Elapsed;
        // The restarted replica joins as a follower: the survivor keeps the relay.
        await rig.WaitForRelayLeaderAsync(TimeSpan.FromSeconds(10), expected: survivor);
        var audit = await rig.ApiOf(victim).VerifyAuditAsync();
        Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain on PostgreSQL after kill -9 of a replica: {audit}");
        var next = rig.Acknowledged.Count + inDoubt + 10;
        for (var i = 0; i < 6; i++) await rig.PublishAsync(next + i, i % 2);

        await rig.VerifyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"replica {victim} (the relay) killed after {ackedAtKill} acknowledged publishes ({inDoubt} cut off); replica {survivor} relayed "
            + $"after {tookOver.TotalSeconds:0.00} s (election lease TTL 5 s), had etcd hold the newest after {deliveredAfter.TotalSeconds:0.00} s; "
            + $"killed replica restarted and ready in {restartedIn.TotalSeconds:0.00} s as a follower; audit chain intact "
            + $"({audit.GetProperty("checked").GetInt32()} entries); {rig.Acknowledged.Count} acknowledged, {rig.WrittenToEtcd} written to etcd on their own; "
            + $"newest r{rig.Last!.Revision} everywhere");
    }
}

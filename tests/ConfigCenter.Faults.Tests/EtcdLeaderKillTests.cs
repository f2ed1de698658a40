using System.Diagnostics;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 1: <c>kill -9</c> of the etcd leader in the middle of back-to-back publishes.</summary>
public sealed class EtcdLeaderKillTests(ITestOutputHelper output)
{
    private const int Publishes = 500;
    private const int KillAfter = 150;

    [Fact]
    public async Task KillingTheEtcdLeader_During500Publishes_LosesNothing_AndClientsConvergeWithin5sOfTheNewLeader()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.StartClientAsync();
        await rig.StartClientAsync();

        var publishing = rig.PublishManyAsync(1, Publishes);
        await WaitFor.ConditionAsync(() => rig.Acknowledged.Count >= KillAfter || publishing.IsCompleted, TimeSpan.FromSeconds(60),
            $"{KillAfter} publishes acknowledged");
        if (publishing.IsFaulted) await publishing;
        var leader = await rig.Etcd.LeaderIndexAsync();
        var ackedAtKill = rig.Acknowledged.Count;
        var killed = Stopwatch.StartNew();
        await rig.Etcd.StopMemberAsync(leader);
        var newLeader = await rig.Etcd.WaitForLeaderAsync(TimeSpan.FromSeconds(10));
        var electionTook = killed.Elapsed;
        var elected = Stopwatch.StartNew();
        var beforeElection = rig.Last!;

        // Everything acknowledged by the time the new leader was in place reaches every client within 5 s of it.
        foreach (var client in rig.Clients)
        {
            var remaining = TimeSpan.FromSeconds(5) - elected.Elapsed;
            ClientState? seen = null;
            await WaitFor.ConditionAsync(async () => (seen = await rig.StateAsync(client)) is { } s && s.Revision(FaultRig.Ns) >= beforeElection.Revision,
                remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1),
                $"client on port {client.Port} applies r{beforeElection.Revision} within 5 s of the new leader (seen r{seen?.Revision(FaultRig.Ns)})");
        }
        var convergedAfterElection = elected.Elapsed;

        await publishing;
        var convergedAfterLast = await rig.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Publishes, rig.Acknowledged.Count);
        Assert.InRange(ackedAtKill, KillAfter, Publishes - 1);
        Assert.NotEqual(leader, newLeader);

        await rig.VerifyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"leader m{leader} killed after {ackedAtKill} acknowledged publishes; m{newLeader} elected {electionTook.TotalSeconds:0.00} s later; "
            + $"clients had r{beforeElection.Revision} {convergedAfterElection.TotalSeconds:0.00} s after the election; "
            + $"all {Publishes} acknowledged ({rig.WrittenToEtcd} written to etcd on their own, the rest superseded within a relay batch), "
            + $"newest r{rig.Last!.Revision} applied by every client {convergedAfterLast.TotalSeconds:0.00} s after its 201");
    }
}

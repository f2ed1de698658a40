using System.Diagnostics;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 5: etcd compacts its history past the revision a disconnected client would resume from.</summary>
public sealed class CompactionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CompactingPastADisconnectedClientsRevision_MakesItReadEverythingAgain_AndConverge()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.PublishManyAsync(1, 5);
        var client = await rig.StartClientAsync();
        await rig.StartClientAsync(); // stays connected: converges through the same faults
        var watched = rig.MemberOf((await rig.StateAsync(client))!);
        Assert.NotEqual(-1, watched);

        // Frozen, then its member killed: when it runs again its stream is gone and it must resume elsewhere
        // from a revision etcd no longer has.
        await client.FreezeAsync();
        await rig.Etcd.StopMemberAsync(watched);
        await rig.PublishManyAsync(6, 20);
        await rig.WaitDeliveredAsync(TimeSpan.FromSeconds(30));
        var compacted = await rig.Etcd.CompactAsync();

        var thawed = Stopwatch.StartNew();
        await client.ThawAsync();
        var convergedAfter = await rig.WaitConvergedAsync(TimeSpan.FromSeconds(30), [client]);
        Assert.True(client.Wrote("reading everything again"), $"the client did not report reading everything again after the compaction:\n{client.Output}");

        await rig.Etcd.StartMemberAsync(watched);
        await rig.PublishAsync(26);
        await rig.VerifyAsync(TimeSpan.FromSeconds(30), historyFloor: compacted);
        output.WriteLine($"client frozen on m{watched}, member killed, 20 publishes, etcd compacted at {compacted}; "
            + $"after SIGCONT the client read everything again and applied r25 {convergedAfter.TotalSeconds:0.00} s later ({thawed.Elapsed.TotalSeconds:0.00} s incl. checks)");
    }
}

using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 2: every etcd member is down for 60 s while publishing goes on.</summary>
public sealed class AllMembersDownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StoppingEveryEtcdMemberFor60s_AcceptsPublishes_ClientsServeLastKnownGood_AndEverythingArrivesAfter()
    {
        await using var rig = await FaultRig.StartAsync();
        var before = await rig.PublishAsync(1);
        await rig.StartClientAsync();
        await rig.StartClientAsync();
        await rig.WaitDeliveredAsync(TimeSpan.FromSeconds(30));
        var stoppedAt = await rig.Etcd.RevisionAsync();

        for (var i = 0; i < rig.Etcd.Members.Count; i++) await rig.Etcd.StopMemberAsync(i);
        var down = Stopwatch.StartNew();
        var seq = 2;
        var degraded = 0;
        while (down.Elapsed < Outage)
        {
            await rig.PublishAsync(seq++); // 201 while etcd is gone: the release waits in the outbox
            foreach (var client in rig.Clients)
            {
                var state = await rig.StateAsync(client);
                Assert.True(state is not null && state.Revision(FaultRig.Ns) == before.Revision && state.Seq == before.Seq,
                    $"client on port {client.Port} should serve r{before.Revision} while etcd is down; it answered r{state?.Revision(FaultRig.Ns)} Seq={state?.Seq}");
                if (state!.Health == "Degraded") degraded++;
            }
            // The outage's own pace: about one publish a second for the 60 s etcd is gone.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.True(degraded > 0, "no client reported itself degraded while every etcd member was down");

        var restarted = Stopwatch.StartNew();
        await rig.Etcd.StartStoppedMembersAsync();
        await rig.WaitDeliveredAsync(TimeSpan.FromSeconds(30));
        var deliveredAfter = restarted.Elapsed;
        var convergedAfter = await rig.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        // Each client's registry entry is written again on a new lease (its old one went unconfirmed for 60 s).
        var registry = EtcdKeys.RegistryPrefix(rig.Prefix, FaultRig.Env);
        await WaitFor.ConditionAsync(async () =>
        {
            var entries = await rig.Etcd.RangeAsync(registry);
            return Enumerable.Range(0, rig.Clients.Count).All(i =>
                entries.Any(e => e.Key.EndsWith($"/client{i}", StringComparison.Ordinal) && e.ModRevision > stoppedAt));
        }, TimeSpan.FromSeconds(30), "every client registered again after etcd came back");
        var reregisteredAfter = restarted.Elapsed;

        await rig.VerifyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"etcd down {down.Elapsed.TotalSeconds:0} s; {seq - 2} publishes accepted meanwhile; clients served r{before.Revision} throughout ({degraded} degraded answers); "
            + $"after restart: r{rig.Last!.Revision} in etcd {deliveredAfter.TotalSeconds:0.00} s, on every client {convergedAfter.TotalSeconds:0.00} s later, "
            + $"clients registered again {reregisteredAfter.TotalSeconds:0.00} s after the restart began");
    }
}

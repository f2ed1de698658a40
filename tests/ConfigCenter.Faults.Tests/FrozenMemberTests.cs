using System.Diagnostics;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 4: the etcd member a client watches is frozen (SIGSTOP), not crashed.</summary>
public sealed class FrozenMemberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FreezingTheMemberAClientWatches_MovesTheClientToAnotherMemberWithin10s_WithThePublishMadeMeanwhile()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.PublishAsync(1);
        var client = await rig.StartClientAsync();
        var watched = rig.MemberOf((await rig.StateAsync(client))!);
        Assert.NotEqual(-1, watched);

        var frozen = Stopwatch.StartNew();
        await rig.Etcd.PauseMemberAsync(watched);
        var meanwhile = await rig.PublishAsync(2);

        ClientState? seen = null;
        await WaitFor.ConditionAsync(async () => (seen = await rig.StateAsync(client)) is { } s
                && rig.MemberOf(s) is var member && member >= 0 && member != watched
                && s.Revision(FaultRig.Ns) == meanwhile.Revision && s.Seq == meanwhile.Seq,
            TimeSpan.FromSeconds(10),
            $"the client leaves frozen m{watched} and applies r{meanwhile.Revision} within 10 s (seen etcd={seen?.Etcd} r{seen?.Revision(FaultRig.Ns)})\n{client.Output}");
        var movedAfter = frozen.Elapsed;
        var movedTo = rig.MemberOf(seen!);
        Assert.True(client.Wrote("treating it as frozen"), $"the client did not report the frozen member:\n{client.Output}");

        await rig.Etcd.ResumeMemberAsync(watched);
        await rig.PublishAsync(3);
        await rig.VerifyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"client watched m{watched}; after SIGSTOP it was on m{movedTo} with r{meanwhile.Revision} {movedAfter.TotalSeconds:0.00} s later");
    }
}

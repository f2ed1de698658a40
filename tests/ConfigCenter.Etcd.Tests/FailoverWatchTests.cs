using ConfigCenter.Testing;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The prefix watch in a three-member cluster when the member it uses dies or freezes.</summary>
public sealed class FailoverWatchTests(EtcdClusterFixture3 fixture) : IClassFixture<EtcdClusterFixture3>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Watch_AfterMemberKilled_ResumesWithoutMissingEvents()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] });
        var handler = new RecordingHandler();
        await using var watch = new RunningWatch(connection, $"{prefix}/", handler);
        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 1, Timeout, "the watch read the prefix");
        for (var i = 0; i < 5; i++) await fixture.Cluster.PutAsync($"{prefix}/k", $"v{i}");
        await WaitFor.ConditionAsync(() => handler.Events.Count == 5, Timeout, "the watch is live");
        var used = MemberAt(handler.LastEndpoint);

        await fixture.Cluster.StopMemberAsync(used);
        try
        {
            for (var i = 5; i < 15; i++) await fixture.Cluster.PutAsync($"{prefix}/k", $"v{i}");

            await WaitFor.ConditionAsync(() => handler.Events.Count >= 15, Timeout, "the watch resumed on another member");
            Assert.Equal(Enumerable.Range(0, 15).Select(i => $"v{i}"), handler.Events.Select(e => e.Value));
            Assert.Single(handler.Snapshots); // resumed from the last revision + 1, not re-read
            Assert.NotEqual(used, MemberAt(handler.LastEndpoint));
        }
        finally
        {
            await fixture.Cluster.StartMemberAsync(used);
        }
    }

    [Fact]
    public async Task Watch_OnAFrozenMember_DetectsItAndMovesToAnother()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var logger = new ListLogger();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] }, logger);
        var handler = new RecordingHandler();
        await using var watch = new RunningWatch(connection, $"{prefix}/", handler);
        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 1, Timeout, "the watch read the prefix");
        await fixture.Cluster.PutAsync($"{prefix}/k", "before");
        await WaitFor.ConditionAsync(() => handler.Events.Count == 1, Timeout, "the watch is live");
        var used = MemberAt(handler.LastEndpoint);

        await fixture.Cluster.PauseMemberAsync(used);
        try
        {
            // A frozen member keeps its TCP connections open: only the missing progress answers give it away.
            await fixture.Cluster.PutAsync($"{prefix}/k", "while frozen");

            await WaitFor.ConditionAsync(() => handler.Events.Count >= 2, Timeout, "the watch left the frozen member");
            Assert.Equal(["before", "while frozen"], handler.Events.Select(e => e.Value));
            Assert.NotEqual(used, MemberAt(handler.LastEndpoint));
            Assert.True(logger.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "frozen"), logger.ToString());
        }
        finally
        {
            await fixture.Cluster.ResumeMemberAsync(used);
        }
    }

    private int MemberAt(string? endpoint) => fixture.Cluster.Members.Single(m => m.Endpoint == endpoint).Index;
}

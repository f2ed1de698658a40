using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The prefix watch against one real etcd member.</summary>
public sealed class PrefixWatchTests(EtcdClusterFixture fixture) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Watch_ReadsThePrefixThenDeliversEveryLaterChangeInOrder()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await fixture.Cluster.PutAsync($"{prefix}/in/a", "a0");
        await fixture.Cluster.PutAsync($"{prefix}/in/b", "b0");
        await fixture.Cluster.PutAsync($"{prefix}/out/z", "not watched");
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] });
        var handler = new RecordingHandler();
        await using var watch = new RunningWatch(connection, $"{prefix}/in/", handler);

        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 1, Timeout, "the watch read the prefix");
        Assert.Equal(new Dictionary<string, string> { [$"{prefix}/in/a"] = "a0", [$"{prefix}/in/b"] = "b0" }, handler.Snapshots[0].Keys);

        for (var i = 0; i < 30; i++) await fixture.Cluster.PutAsync($"{prefix}/in/k{i % 4}", $"v{i}");
        await fixture.Cluster.PutAsync($"{prefix}/out/z", "still not watched");
        await fixture.Cluster.DeleteAsync($"{prefix}/in/a");

        await WaitFor.ConditionAsync(() => handler.Events.Count >= 31, Timeout, "the watch delivered 30 puts and a delete");
        var events = handler.Events;
        Assert.Equal(31, events.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"v{i}"), events.Take(30).Select(e => e.Value));
        Assert.Equal(($"{prefix}/in/a", (string?)null), (events[30].Key, events[30].Value));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Revision < p.Second.Revision), "events arrive in revision order");
        Assert.True(events[0].Revision > handler.Snapshots[0].Revision, "the watch starts after the snapshot's revision");
    }

    [Fact]
    public async Task Watch_WithASlowHandler_DoesNotStallAnotherWatch()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] });
        using var gate = new ManualResetEventSlim(false);
        var slow = new RecordingHandler { Gate = gate };
        var fast = new RecordingHandler();
        await using var slowWatch = new RunningWatch(connection, $"{prefix}/slow/", slow);
        await using var fastWatch = new RunningWatch(connection, $"{prefix}/fast/", fast);
        await WaitFor.ConditionAsync(() => slow.Snapshots.Count == 1 && fast.Snapshots.Count == 1, Timeout, "both watches read their prefix");

        try
        {
            await fixture.Cluster.PutAsync($"{prefix}/slow/x", "1");
            await fixture.Cluster.PutAsync($"{prefix}/fast/y", "2");

            await WaitFor.ConditionAsync(() => fast.Events.Count == 1, Timeout, "the fast watch got its event while the slow handler is stuck");
            Assert.Empty(slow.Events);
        }
        finally
        {
            gate.Set();
        }
        await WaitFor.ConditionAsync(() => slow.Events.Count == 1, Timeout, "the slow watch catches up once its handler returns");
    }

    [Fact]
    public async Task Watch_AfterCompactionPastItsRevision_ReadsEverythingAgain()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await fixture.Cluster.PutAsync($"{prefix}/a", "1");
        await fixture.Cluster.PutAsync($"{prefix}/b", "1");
        await using var proxy = new TcpProxy(new Uri(fixture.Endpoints[0]));
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [proxy.Url] });
        var handler = new RecordingHandler();
        await using var watch = new RunningWatch(connection, $"{prefix}/", handler);
        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 1, Timeout, "the watch read the prefix");
        await fixture.Cluster.PutAsync($"{prefix}/b", "2");
        await WaitFor.ConditionAsync(() => handler.Events.Count == 1, Timeout, "the watch is live");

        proxy.Disconnect();
        await WaitFor.ConditionAsync(() => !handler.Errors.IsEmpty, Timeout, "the watch notices it is cut off");
        await fixture.Cluster.DeleteAsync($"{prefix}/a");
        await fixture.Cluster.PutAsync($"{prefix}/c", "3");
        await fixture.Cluster.CompactAsync();
        proxy.Reconnect();

        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 2, Timeout, "the watch read everything again after the compaction");
        Assert.Equal(new Dictionary<string, string> { [$"{prefix}/b"] = "2", [$"{prefix}/c"] = "3" }, handler.Snapshots[1].Keys);
        Assert.Single(handler.Events); // the changes while cut off arrive in the snapshot, not as events

        await fixture.Cluster.PutAsync($"{prefix}/d", "4");
        await WaitFor.ConditionAsync(() => handler.Events.Count == 2, Timeout, "the watch goes on after the re-read");
        Assert.Equal(($"{prefix}/d", "4"), (handler.Events[1].Key, handler.Events[1].Value!));
    }
}

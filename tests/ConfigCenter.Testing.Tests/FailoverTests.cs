using System.Diagnostics;

namespace ConfigCenter.Testing.Tests;

/// <summary>Tests that stop, restart, pause or compact own their cluster (they change its state).</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stopped_member_catches_up_after_restart()
    {
        await using var cluster = await EtcdCluster.StartAsync(3);
        var key = EtcdClusterFixtureBase.NewPrefix() + "/failover";
        await cluster.PutAsync(key, "before");
        var dataDir = cluster[0].DataDir;
        var oldPid = cluster[0].ProcessId;

        await cluster.StopMemberAsync(0);

        Assert.False(cluster[0].IsRunning);
        Assert.Null(cluster[0].ProcessId);
        Assert.True(Directory.Exists(dataDir), "stopping keeps the data dir");
        Assert.False(await cluster[0].IsHealthyAsync(TimeSpan.FromMilliseconds(500)));

        // The two remaining members still have quorum (electing a new leader if m0 led) and serve writes through member 1.
        var leader = await cluster.WaitForLeaderAsync(Timeout);
        Assert.NotEqual(0, leader);
        var written = await cluster[1].PutAsync(key, "while-m0-down");
        Assert.True(written > 0);
        Assert.Equal("while-m0-down", await cluster[2].GetAsync(key));

        await cluster.StartMemberAsync(0);

        Assert.True(cluster[0].IsRunning);
        Assert.NotEqual(oldPid, cluster[0].ProcessId);
        Assert.Equal(cluster.Endpoints[0], cluster[0].Endpoint);
        await WaitFor.ConditionAsync(
            async () => await cluster[0].GetAsync(key, serializable: true) == "while-m0-down",
            Timeout,
            "restarted member 0 has the write made while it was down in its own store");
        Assert.Equal("while-m0-down", await cluster[0].GetAsync(key));
    }

    [Fact]
    public async Task Compaction_discards_history_before_the_current_revision()
    {
        await using var cluster = await EtcdCluster.StartAsync();
        var key = "/compaction/key";
        var first = await cluster.PutAsync(key, "v1");
        await cluster.PutAsync(key, "v2");

        // Before compaction the old revision can be read.
        Assert.Equal("v1", await RangeAtRevisionAsync(cluster, key, first));

        var compacted = await cluster.CompactAsync();

        Assert.Equal(await cluster.RevisionAsync(), compacted);
        var error = await Assert.ThrowsAsync<EtcdGatewayException>(() => RangeAtRevisionAsync(cluster, key, first));
        Assert.Contains("compacted", error.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("v2", await cluster.GetAsync(key));

        // Compacting again at the same revision is a no-op, not an error.
        Assert.Equal(compacted, await cluster.CompactAsync());
    }

    [Fact]
    public async Task Paused_member_stops_answering_and_recovers_on_resume()
    {
        await using var cluster = await EtcdCluster.StartAsync(3);
        var key = EtcdClusterFixtureBase.NewPrefix() + "/pause";

        await cluster.PauseMemberAsync(2);

        Assert.True(cluster[2].IsPaused);
        Assert.True(cluster[2].IsRunning, "a paused member is frozen, not dead");
        Assert.False(await cluster[2].IsHealthyAsync(TimeSpan.FromMilliseconds(300)));
        await cluster.PutAsync(key, "written-while-paused"); // served by the other two

        await cluster.ResumeMemberAsync(2);

        Assert.False(cluster[2].IsPaused);
        Assert.True(await cluster[2].IsHealthyAsync());
        await WaitFor.ConditionAsync(
            async () => await cluster[2].GetAsync(key, serializable: true) == "written-while-paused",
            Timeout,
            "resumed member 2 catches up on the write made while it was frozen");
    }

    [Fact]
    public async Task Single_member_restart_keeps_its_data()
    {
        await using var cluster = await EtcdCluster.StartAsync();
        await cluster.PutAsync("/restart/key", "durable");

        await cluster.StopMemberAsync(0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.GetAsync("/restart/key"));
        await cluster.StartMemberAsync(0);

        Assert.Equal("durable", await cluster.GetAsync("/restart/key"));
    }

    [Fact]
    public async Task Dispose_kills_every_process_and_deletes_the_data_dirs()
    {
        var cluster = await EtcdCluster.StartAsync(3);
        await cluster.PauseMemberAsync(1); // a frozen member must die too
        var pids = cluster.Members.Select(m => m.ProcessId!.Value).ToArray();
        var root = cluster.RootDir;
        Assert.True(Directory.Exists(root));

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(root), "data dirs are deleted");
        foreach (var pid in pids)
        {
            Assert.False(IsAlive(pid), $"etcd process {pid} should be gone");
        }

        await cluster.DisposeAsync(); // idempotent
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<string?> RangeAtRevisionAsync(EtcdCluster cluster, string key, long revision)
    {
        using var http = new HttpClient();
        var body = $"{{\"key\":\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key))}\",\"revision\":{revision}}}";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(cluster.Endpoints[0] + "/v3/kv/range"), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new EtcdGatewayException(text, response.StatusCode, text);
        }

        using var doc = System.Text.Json.JsonDocument.Parse(text);
        return doc.RootElement.TryGetProperty("kvs", out var kvs)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(kvs[0].GetProperty("value").GetString()!))
            : null;
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>Two real processes of samples/ConfigCenter.SampleService calling each other by name through the registry.</summary>
public sealed class SampleServiceTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>, IDisposable
{
    private const string Service = "sample-service";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private readonly string _cacheDirectory = Directory.CreateTempSubdirectory("cc-sample-").FullName;

    [Fact]
    public async Task CallByName_AlternatesBetweenTwoInstances_AndMovesToTheSurvivorWhenOneIsKilled()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix(), App: Service);
        var ports = FreePort.Get(2);
        await using var a = StartSample(settings, ports[0], Path.Combine(_cacheDirectory, "a"));
        await using var b = StartSample(settings, ports[1], Path.Combine(_cacheDirectory, "b"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var idA = await WhoAmIAsync(http, a);
        var idB = await WhoAmIAsync(http, b);
        await using var observer = settings.Discovery();
        var registry = observer.GetRequiredService<IServiceRegistry>();
        await WaitFor.ConditionAsync(async () => (await InstanceIds(registry)).SetEquals([idA, idB]), TimeSpan.FromSeconds(10), "both samples registered");

        // A calls "sample-service" by name: round robin reaches both instances, itself included.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20 && seen.Count < 2; i++) seen.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        Assert.True(seen.SetEquals([idA, idB]), $"calls through A reached only {string.Join(", ", seen)}");

        var killedAt = Stopwatch.StartNew();
        b.KillHard();

        // (a) Calls keep succeeding while B's entry is still on its lease: each one is answered by the survivor.
        var answered = new List<string>();
        TimeSpan? goneAfter = null;
        while (killedAt.Elapsed < Ttl + TimeSpan.FromSeconds(2))
        {
            if ((await InstanceIds(registry)).SetEquals([idA]))
            {
                goneAfter = killedAt.Elapsed;
                break;
            }
            answered.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        }

        // (b) The killed instance leaves discovery within TTL + 2 s; calls after that go on to the survivor.
        Assert.True(goneAfter is not null, $"the killed instance {idB} was still discoverable {killedAt.Elapsed.TotalSeconds:0.0} s after kill -9 (TTL {Ttl.TotalSeconds} s)");
        Assert.True(goneAfter >= Ttl - TimeSpan.FromSeconds(1.5), $"gone after {goneAfter.Value.TotalSeconds:0.0} s: too early for a lease expiry, was it not killed hard?");
        for (var i = 0; i < 6; i++) answered.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        Assert.All(answered, id => Assert.Equal(idA, id));
    }

    [Fact]
    public async Task LeaderJob_RunsOnExactlyOneInstance_AndMovesOnWhenTheLeaderStops_OrIsKilled()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix(), App: Service);
        var leaderSettings = new Dictionary<string, string?> { ["Sample:Leader:Ttl"] = "00:00:03", ["Sample:Leader:TickInterval"] = "00:00:00.200" };
        var ports = FreePort.Get(3);
        await using var a = StartSample(settings, ports[0], Path.Combine(_cacheDirectory, "a"), leaderSettings);
        await using var b = StartSample(settings, ports[1], Path.Combine(_cacheDirectory, "b"), leaderSettings);
        await using var c = StartSample(settings, ports[2], Path.Combine(_cacheDirectory, "c"), leaderSettings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var sample in new[] { a, b, c }) await WhoAmIAsync(http, sample);
        DotnetProcess[] running = [a, b, c];

        var first = await OneLeaderTicksAsync(http, running);

        // Stopped (SIGTERM): the host resigns on the way out, another instance takes over without waiting for the TTL.
        await first.TerminateAsync(TimeSpan.FromSeconds(15));
        running = [.. running.Where(s => s != first)];
        var stoppedAt = Stopwatch.StartNew();
        var second = await OneLeaderTicksAsync(http, running);
        Assert.True(stoppedAt.Elapsed < Ttl, $"took over {stoppedAt.Elapsed.TotalSeconds:0.0} s after the leader stopped");

        // Killed (-9): nobody resigns; the last instance takes over once the lease runs out.
        second.KillHard();
        running = [.. running.Where(s => s != second)];
        var killedAt = Stopwatch.StartNew();
        var third = await OneLeaderTicksAsync(http, running);
        // TTL + 2 s to take over, plus the three ticks (0.6 s) and the polling this test waits for.
        Assert.True(killedAt.Elapsed < Ttl + TimeSpan.FromSeconds(3),
            $"took over {killedAt.Elapsed.TotalSeconds:0.0} s after the leader was killed (TTL {Ttl.TotalSeconds} s)");
        Assert.Single(running, s => s == third);
    }

    /// <summary>samples/ConfigCenter.SampleService as a real process in the registry of <paramref name="settings"/>, etcd transport only.</summary>
    private static DotnetProcess StartSample(RegistrySettings settings, int port, string cacheDirectory, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var configuration = new Dictionary<string, string?>(settings.Configuration)
        {
            ["ConfigCenter:Server:Url"] = "",
            ["ConfigCenter:CacheDirectory"] = cacheDirectory,
            ["ConfigCenter:Registration:Ttl"] = Ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) configuration[key] = value;
        return DotnetProcess.Start("samples", "ConfigCenter.SampleService", port, configuration);
    }

    /// <summary>
    /// Waits until one of <paramref name="samples"/> leads and its job has ticked 3 more times, checking on every round
    /// that no two lead at once and that only the leader's count moves.
    /// </summary>
    private static async Task<DotnetProcess> OneLeaderTicksAsync(HttpClient http, IReadOnlyList<DotnetProcess> samples)
    {
        var before = new Dictionary<DotnetProcess, long>();
        foreach (var sample in samples) before[sample] = (await LeaderAsync(http, sample)).Ticks;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var states = new List<(DotnetProcess Sample, LeaderStatus Status)>();
            foreach (var sample in samples) states.Add((sample, await LeaderAsync(http, sample)));
            var leaders = states.Where(s => s.Status.IsLeader).ToList();
            Assert.True(leaders.Count <= 1, $"{leaders.Count} instances lead at once: {string.Join(", ", leaders.Select(l => l.Status.Instance))}");
            if (leaders.Count == 1 && leaders[0].Status.Ticks >= before[leaders[0].Sample] + 3)
            {
                // Followers: their job did not run meanwhile.
                foreach (var (sample, status) in states.Where(s => !s.Status.IsLeader)) Assert.Equal(before[sample], status.Ticks);
                Assert.True(leaders[0].Status.FencingToken > 0);
                return leaders[0].Sample;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no single leader with a ticking job among {samples.Count} samples within 20 s");
    }

    private static async Task<LeaderStatus> LeaderAsync(HttpClient http, DotnetProcess sample) =>
        (await http.GetFromJsonAsync<LeaderStatus>(new Uri(sample.BaseAddress, "/leader")))!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp directory is left behind then.
        }
    }

    private static async Task<HashSet<string>> InstanceIds(IServiceRegistry registry) =>
        [.. (await registry.GetInstancesAsync(Service, CancellationToken.None)).Select(e => e.InstanceId)];

    private static async Task<string> WhoAmIAsync(HttpClient http, DotnetProcess sample)
    {
        var who = await WaitFor.ValueAsync(
            async () =>
            {
                Assert.False(sample.HasExited, $"the sample on port {sample.Port} exited:{Environment.NewLine}{sample.Output}");
                try
                {
                    return await http.GetFromJsonAsync<WhoAmI>(new Uri(sample.BaseAddress, "/whoami"));
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            },
            w => w is not null, TimeSpan.FromSeconds(60), $"the sample on port {sample.Port} answering");
        Assert.Equal(sample.Port, who!.Port);
        return who.InstanceId;
    }

    private static async Task<CallResult> CallAsync(HttpClient http, DotnetProcess caller)
    {
        using var response = await http.GetAsync(new Uri(caller.BaseAddress, $"/call/{Service}"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/call/{Service} answered {(int)response.StatusCode}: {body}{Environment.NewLine}{caller.Output}");
        return System.Text.Json.JsonSerializer.Deserialize<CallResult>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    private sealed record WhoAmI(string InstanceId, int Port);

    private sealed record LeaderStatus(string Instance, bool IsLeader, long Ticks, long FencingToken);

    private sealed record CallResult(string Caller, WhoAmI AnsweredBy, int Attempts);
}

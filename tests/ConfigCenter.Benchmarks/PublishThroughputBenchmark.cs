using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Publish throughput and latency from the publish API call until etcd holds the release (seen by a raw
/// etcd watch), with 32 concurrent publishers. Two workloads after a warm-up (the server's code is
/// compiled and tiered before anything is timed):
/// <list type="bullet">
/// <item>publish: 3,200 namespaces each hold an unpublished edit; the publishers publish them all. This is
/// the figure: publish API call → etcd confirmation, sustained over 3,200 releases.</item>
/// <item>edit + publish: each publisher loops "change a key, publish" on its own namespace, so the edit
/// requests share the machine with the publishes.</item>
/// </list>
/// Baseline in the same run: raw etcd puts of a release-sized value at the same concurrency.
/// Set CONFIGCENTER_BENCH_ROUNDS to change how many releases each publisher makes.
/// </summary>
internal sealed class PublishThroughputBenchmark : IBenchmark
{
    private const int Publishers = 32;
    private static readonly int WarmupRounds = Bench.Pick(60, 3);
    private static readonly int DirectReleases = Bench.Pick(1000, 50);
    private static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("CONFIGCENTER_BENCH_ROUNDS"), out var rounds) ? rounds : Bench.Pick(100, 3);

    public string Name => "publish";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var cluster = await EtcdCluster.StartAsync(1, ct);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        using var admin = await host.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = "bench", name = "bench" }, ct)).EnsureSuccessStatusCode();
        await using var probe = await EtcdWatchProbe.StartAsync(cluster.Endpoints[0], EtcdKeys.ConfigRoot(host.Prefix));
        string Key(string ns) => EtcdKeys.Config(host.Prefix, "prod", "bench", ns);

        // The loop namespaces, warmed up with edit + publish cycles that are not measured.
        var loops = Enumerable.Range(0, Publishers).Select(n => $"loop{n}").ToArray();
        await ParallelAsync(loops, ns => CreateNamespaceAsync(admin, ns, ct));
        var revisions = new long[Publishers];
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async n =>
        {
            for (var i = 0; i < WarmupRounds; i++)
            {
                await EditAsync(admin, loops[n], $"w{i}", ct);
                await PublishAsync(admin, loops[n], ct);
                revisions[n]++;
            }
        }));

        // One publisher alone: what a single release costs end to end.
        var single = new List<double>();
        for (var i = 0; i < Bench.Pick(50, 5); i++)
        {
            await EditAsync(admin, loops[0], $"s{i}", ct);
            var start = await PublishAsync(admin, loops[0], ct);
            var revision = ++revisions[0];
            long arrived = 0;
            await WaitFor.ConditionAsync(() => probe.TryGetArrival(Key(loops[0]), revision, out arrived), TimeSpan.FromSeconds(10), "the release reached etcd", ct);
            single.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
        }
        single.Sort();
        report.Add(Name, "one publisher: publish → etcd p50", BenchmarkReport.Percentile(single, 50), "ms", "50 sequential releases");
        report.Add(Name, "one publisher: publish → etcd p99", BenchmarkReport.Percentile(single, 99), "ms");

        // Publish only: every namespace holds one unpublished edit on top of its first release.
        var targets = Enumerable.Range(0, Publishers * Rounds).Select(n => $"pub{n}").ToArray();
        await ParallelAsync(targets, async ns =>
        {
            await CreateNamespaceAsync(admin, ns, ct);
            await EditAsync(admin, ns, "first", ct);
            await PublishAsync(admin, ns, ct);
            await EditAsync(admin, ns, "second", ct);
        });
        await WaitFor.ConditionAsync(() => targets.All(ns => probe.Reached(Key(ns), 1)), TimeSpan.FromSeconds(60), "every first release reached etcd", ct);
        var publishStarts = new long[targets.Length];
        Console.WriteLine($"PHASE publish: {targets.Length} releases");
        var measured = await MeasureAsync(() => Task.WhenAll(Enumerable.Range(0, Publishers).Select(async p =>
        {
            for (var i = p; i < targets.Length; i += Publishers) publishStarts[i] = await PublishAsync(admin, targets[i], ct);
        })), () => targets.All(ns => probe.Reached(Key(ns), 2)));
        var publishLatencies = targets.Select((ns, i) => probe.TryGetArrival(Key(ns), 2, out var at) ? (Start: publishStarts[i], At: at) : default).ToList();
        ReportPhase(report, "publish", "publish API → in etcd", publishLatencies, measured,
            $"{Publishers} concurrent publishers, {targets.Length} namespaces each with an unpublished edit, after {Publishers * WarmupRounds} warm-up releases");

        // Edit + publish loops.
        var loopStarts = new (int Ns, long Revision, long Start)[Publishers * Rounds];
        var loopMeasured = await MeasureAsync(() => Task.WhenAll(Enumerable.Range(0, Publishers).Select(async n =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                await EditAsync(admin, loops[n], $"m{i}", ct);
                var start = await PublishAsync(admin, loops[n], ct);
                loopStarts[n * Rounds + i] = (n, ++revisions[n], start);
            }
        })), () => Enumerable.Range(0, Publishers).All(n => probe.Reached(Key(loops[n]), revisions[n])));
        var loopLatencies = loopStarts.Select(s => probe.TryGetArrival(Key(loops[s.Ns]), s.Revision, out var at) ? (s.Start, At: at) : default).ToList();
        ReportPhase(report, "edit + publish", "edit + publish API → in etcd", loopLatencies, loopMeasured,
            $"{Publishers} concurrent loops of (change a key, publish), {loopStarts.Length} releases; latency from the publish call");

        // The server's publish path alone, without HTTP: ReleaseService.PublishAsync called in-process, one at a time,
        // until etcd holds every release (the relay and the release watch run meanwhile and are counted).
        var direct = Enumerable.Range(0, DirectReleases).Select(n => $"direct{n}").ToArray();
        await ParallelAsync(direct, async ns =>
        {
            await CreateNamespaceAsync(admin, ns, ct);
            await EditAsync(admin, ns, "first", ct);
        });
        var releases = host.Services.GetRequiredService<Server.Features.Releases.ReleaseService>();
        for (var i = 0; i < Bench.Pick(200, 10); i++)
        {
            await EditAsync(admin, loops[i % Publishers], $"d{i}", ct);
            await releases.PublishAsync("bench", "prod", loops[i % Publishers], "warm-up", "bench", ct);
            revisions[i % Publishers]++;
        }
        var directMeasured = await MeasureAsync(async () =>
        {
            foreach (var ns in direct) await releases.PublishAsync("bench", "prod", ns, "bench", "bench", ct);
        }, () => direct.All(ns => probe.Reached(Key(ns), 1)));
        report.Add(Name, "in-process publish path: allocated per release", directMeasured.Allocated / 1024.0 / direct.Length, "KiB",
            $"ReleaseService.PublishAsync → relay → etcd → release watch, {direct.Length} sequential releases, no HTTP");
        report.Add(Name, "in-process publish path: CPU per release", directMeasured.Cpu.TotalMilliseconds / direct.Length, "ms");

        var baseline = await RawPutThroughputAsync(cluster.Endpoints[0], host.Prefix, ct);
        report.Add(Name, "baseline raw etcd puts/s", baseline, "puts/s", $"{Publishers} concurrent loops, 1 KiB values");
    }

    private void ReportPhase(BenchmarkReport report, string phase, string what, List<(long Start, long At)> arrivals, Measurement measured, string note)
    {
        var latencies = arrivals.Select(a => Stopwatch.GetElapsedTime(a.Start, a.At).TotalMilliseconds).Order().ToList();
        var last = arrivals.Max(a => a.At);
        var seconds = Stopwatch.GetElapsedTime(measured.Begin, last).TotalSeconds;
        report.Add(Name, $"{phase}: releases/s ({what})", arrivals.Count / seconds, "releases/s", note);
        report.Add(Name, $"{phase}: publish → etcd p50", BenchmarkReport.Percentile(latencies, 50), "ms");
        report.Add(Name, $"{phase}: publish → etcd p99", BenchmarkReport.Percentile(latencies, 99), "ms");
        report.Add(Name, $"{phase}: CPU per release", measured.Cpu.TotalMilliseconds / arrivals.Count, "ms",
            "benchmark process (HTTP client + server + etcd watch probe) while the publishers ran");
        report.Add(Name, $"{phase}: allocated per release", measured.Allocated / 1024.0 / arrivals.Count, "KiB",
            "bytes allocated in the benchmark process (HTTP client + server + relay + probe), all threads");
    }

    private readonly record struct Measurement(long Begin, TimeSpan Cpu, long Allocated);

    /// <summary>Runs the publishers, then waits until etcd holds everything; CPU covers both (the relay's work too).</summary>
    private static async Task<Measurement> MeasureAsync(Func<Task> publishers, Func<bool> delivered)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var begin = Stopwatch.GetTimestamp();
        await publishers();
        await WaitFor.ConditionAsync(delivered, TimeSpan.FromSeconds(60), "every measured release reached etcd");
        return new Measurement(begin, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    private static async Task ParallelAsync(IEnumerable<string> items, Func<string, Task> action) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Publishers }, async (item, _) => await action(item));

    private static async Task CreateNamespaceAsync(HttpClient admin, string ns, CancellationToken ct) =>
        (await admin.PostAsJsonAsync("/api/v1/apps/bench/namespaces", new { name = ns, format = "properties" }, ct)).EnsureSuccessStatusCode();

    private static async Task EditAsync(HttpClient admin, string ns, string value, CancellationToken ct) =>
        (await admin.PutAsJsonAsync($"/api/v1/apps/bench/envs/prod/namespaces/{ns}/items/Counter", new { value }, ct)).EnsureSuccessStatusCode();

    /// <summary>Publishes the draft; returns the timestamp taken just before the call.</summary>
    private static async Task<long> PublishAsync(HttpClient admin, string ns, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        (await admin.PostAsJsonAsync($"/api/v1/apps/bench/envs/prod/namespaces/{ns}/releases", new { message = "bench" }, ct)).EnsureSuccessStatusCode();
        return start;
    }

    private static async Task<double> RawPutThroughputAsync(string endpoint, string prefix, CancellationToken ct)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(endpoint);
        var kv = new KV.KVClient(channel);
        var payload = ByteString.CopyFromUtf8(new string('x', 1024));
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async n =>
        {
            for (var i = 0; i < Rounds; i++)
                await kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"{prefix}/raw/{n}"), Value = payload }, cancellationToken: ct);
        }));
        return Publishers * Rounds / Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }
}

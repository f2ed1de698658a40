using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Issue 12: fan-out to 10,000 hub clients on one server, and the idle cost of that server. Clients are lightweight hub
/// subscribers (<see cref="SubscriberProcess"/>) in two child processes. Phases, in this order, in one run:
/// <list type="number">
/// <item>raw: a minimal SignalR app (<see cref="RawSignalRHost"/>) in this process with 10,000 connections; each round
/// broadcasts the release document and waits until the last connection received it;</item>
/// <item>product: the same 10,000 subscribers on the server's hub; each round publishes through the API;</item>
/// <item>idle: 100 apps × 10 namespaces released, the 10,000 clients still connected; CPU and memory over 30 s.</item>
/// </list>
/// The server runs in this process (a real Kestrel host), so this process's working set and GC heap are the server's;
/// they are sampled every 100 ms during each phase.
/// </summary>
internal sealed class FanOutBenchmark : IBenchmark
{
    private static readonly int Clients = Bench.Pick(10_000, 300);
    private static readonly int Processes = Bench.Pick(2, 1);
    private static readonly int Rounds = Bench.Pick(20, 3);
    private static readonly int WarmupRounds = Bench.Pick(10, 2);
    private static readonly int IdleApps = Bench.Pick(100, 3);
    private static readonly int IdleNamespaces = Bench.Pick(10, 2);
    private static readonly TimeSpan IdleWindow = Bench.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
    private const string Env = PublishToReloadBenchmark.Env;
    private const string Ns = PublishToReloadBenchmark.Ns;

    public string Name => "fanout";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Error" });
        using var admin = await server.CreateAdminClientAsync();
        const string App = "fanout";
        var apiKey = await PublishToReloadBenchmark.CreateAppAsync(admin, App, ct);
        var revision = await PublishToReloadBenchmark.PublishAsync(admin, App, "v0", ct);
        await PublishToReloadBenchmark.WaitInEtcdAsync(etcd, server.Prefix, App, revision, ct);
        var configKey = EtcdKeys.Config(server.Prefix, Env, App, Ns);
        var document = ScaleMath.Document(await ScaleMath.ReadAsync(etcd, configKey, ct));
        GC.Collect();
        var (startWorkingSet, startHeap) = MemorySampler.Current();
        Console.WriteLine($"PHASE fanout raw: {Clients} connections; server process {Bench.Mib(startWorkingSet)} MiB working set, {Bench.Mib(startHeap)} MiB heap; load {Bench.LoadAverage()}");

        // --- raw SignalR broadcast -------------------------------------------------------------------------------------
        var rawLoad = Bench.LoadAverage();
        var raw = new List<double>();
        long rawPeakWorkingSet, rawPeakHeap;
        TimeSpan rawConnect;
        var rawCpu = default(CpuSample);
        await using (var host = await RawSignalRHost.StartAsync())
        {
            var connecting = Stopwatch.GetTimestamp();
            await using var memory = new MemorySampler();
            await using var subscribers = await SubscriberGroup.StartAsync("hub", Clients, Processes, host.BaseAddress.ToString(), "none", App, 0, ct);
            rawConnect = Stopwatch.GetElapsedTime(connecting);
            for (var i = 0; i < WarmupRounds + Rounds; i++)
            {
                var before = CpuSample.Now(subscribers, etcd);
                var start = Stopwatch.GetTimestamp();
                await host.BroadcastAsync(document, ct);
                var last = await subscribers.WaitRoundAsync(ct);
                if (i < WarmupRounds) continue;
                rawCpu += CpuSample.Now(subscribers, etcd) - before;
                raw.Add(Stopwatch.GetElapsedTime(start, last).TotalMilliseconds);
            }
            (rawPeakWorkingSet, rawPeakHeap) = (memory.PeakWorkingSet, memory.PeakHeap);
        }
        var rawStats = ScaleMath.Of(raw);
        report.Add(Name, $"raw SignalR broadcast → last of {Clients} received p50", rawStats.P50, "ms",
            $"max {rawStats.Max:0.0} ms over {Rounds} rounds; connect {rawConnect.TotalSeconds:0.0} s; load {rawLoad}");
        report.Add(Name, "raw SignalR: CPU per broadcast", rawCpu.Process.TotalMilliseconds / Rounds, "ms", rawCpu.PerRound(Rounds));
        report.Add(Name, "raw SignalR: process peak working set / GC heap", rawPeakWorkingSet / 1024.0 / 1024.0, "MiB",
            $"GC heap {Bench.Mib(rawPeakHeap)} MiB (before connecting: {Bench.Mib(startWorkingSet)} / {Bench.Mib(startHeap)} MiB)");

        // --- ConfigCenter hub ------------------------------------------------------------------------------------------
        GC.Collect();
        var productLoad = Bench.LoadAverage();
        Console.WriteLine($"PHASE fanout product: {Clients} hub clients; load {productLoad}");
        var product = new List<double>();
        var connectingProduct = Stopwatch.GetTimestamp();
        await using var memoryProduct = new MemorySampler();
        await using var clients = await SubscriberGroup.StartAsync("hub", Clients, Processes, server.BaseAddress.ToString(), apiKey, App, revision, ct);
        var productConnect = Stopwatch.GetElapsedTime(connectingProduct);
        var cpu = default(CpuSample);
        for (var i = 0; i < WarmupRounds + Rounds; i++)
        {
            await PublishToReloadBenchmark.SetValueAsync(admin, App, $"p{i}", ct);
            var before = CpuSample.Now(clients, etcd);
            var start = Stopwatch.GetTimestamp();
            await PublishToReloadBenchmark.PublishAsync(admin, App, null, ct);
            var last = await clients.WaitRoundAsync(ct);
            if (i < WarmupRounds) continue;
            cpu += CpuSample.Now(clients, etcd) - before;
            product.Add(Stopwatch.GetElapsedTime(start, last).TotalMilliseconds);
        }
        var (productPeakWorkingSet, productPeakHeap) = (memoryProduct.PeakWorkingSet, memoryProduct.PeakHeap);
        var productStats = ScaleMath.Of(product);
        report.Add(Name, $"hub: publish API → last of {Clients} received p50", productStats.P50, "ms",
            $"max {productStats.Max:0.0} ms over {Rounds} rounds; connect {productConnect.TotalSeconds:0.0} s; load {productLoad} → {Bench.LoadAverage()}");
        report.Add(Name, "hub: ratio to raw broadcast (p50)", productStats.P50 / rawStats.P50, "x", "target ≤ 1.5");
        report.Add(Name, "hub: server process peak working set", productPeakWorkingSet / 1024.0 / 1024.0, "MiB",
            $"GC heap peak {Bench.Mib(productPeakHeap)} MiB; target ≤ 1024 MiB");
        report.Add(Name, "hub: CPU per publish", cpu.Process.TotalMilliseconds / Rounds, "ms", cpu.PerRound(Rounds));

        // --- idle -------------------------------------------------------------------------------------------------------
        Console.WriteLine($"PHASE fanout idle: seeding {IdleApps} apps × {IdleNamespaces} namespaces");
        await SeedAsync(admin, ct);
        await WaitFor.ConditionAsync(async () => (await etcd.GetAsync(EtcdKeys.Config(server.Prefix, Env, $"idle{IdleApps - 1:000}", $"ns{IdleNamespaces - 1}"), ct)) is not null,
            TimeSpan.FromSeconds(60), "the last seeded release is in etcd", ct);
        // Let the seeding's aftermath (relay, release watch, background JIT) settle; part of the measurement design.
        await Task.Delay(Bench.Pick(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)), ct);
        var idleLoad = Bench.LoadAverage();
        var idleBefore = CpuSample.Now(clients, etcd);
        var idleStart = Stopwatch.GetTimestamp();
        await using (var idleMemory = new MemorySampler())
        {
            await Task.Delay(IdleWindow, ct); // a measurement window, not a wait for a condition
            var seconds = Stopwatch.GetElapsedTime(idleStart).TotalSeconds;
            var idle = CpuSample.Now(clients, etcd) - idleBefore;
            var (workingSet, heap) = MemorySampler.Current();
            report.Add(Name, $"idle: server process CPU, {Clients} clients, {IdleApps}×{IdleNamespaces} namespaces", idle.Process.TotalMilliseconds / seconds, "ms/s",
                $"over {seconds:0} s; etcd {idle.Etcd.TotalMilliseconds / seconds:0.0} ms/s, client processes {idle.Subscribers.TotalMilliseconds / seconds:0.0} ms/s; load {idleLoad} → {Bench.LoadAverage()}");
            report.Add(Name, "idle: server process working set", workingSet / 1024.0 / 1024.0, "MiB",
                $"peak {Bench.Mib(idleMemory.PeakWorkingSet)} MiB; GC heap {Bench.Mib(heap)} MiB (peak {Bench.Mib(idleMemory.PeakHeap)})");
        }
    }

    private static async Task SeedAsync(HttpClient admin, CancellationToken ct)
    {
        var api = new ConfigCenterApiClient(admin);
        await Parallel.ForEachAsync(Enumerable.Range(0, IdleApps), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (a, _) =>
        {
            var app = $"idle{a:000}";
            await api.CreateAppAsync(app, [.. Enumerable.Range(0, IdleNamespaces).Select(n => ($"ns{n}", "properties"))]);
            for (var n = 0; n < IdleNamespaces; n++) await api.PublishItemsAsync(app, Env, $"ns{n}", ("Key", $"value-{a}-{n}"));
        });
    }
}

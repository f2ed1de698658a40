using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Gateway;
using ConfigCenter.Testing;
using Yarp.ReverseProxy.Configuration;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// The gateway's cost (<c>./build.sh bench gateway</c>; <c>GATEWAY_BENCH_QUICK=1</c> for a smoke run): requests/s and
/// added latency through the ConfigCenter gateway — routes released through a real server, the two destinations two
/// real Kestrel instances registered in a real etcd — next to two baselines measured in the same run with the same
/// load loop: straight to the instances, and a plain YARP host with the same two destinations in static configuration
/// (<c>LoadFromMemory</c>). The three alternate round by round so they see the same machine load.
/// </summary>
internal sealed class GatewayBenchmark : IBenchmark
{
    private const string Env = "dev";
    private const string GatewayApp = "bench-gateway";
    private const string Service = "bench-backend";
    private const string Path = "/api/hello";
    private const int Concurrency = 32;

    public string Name => "gateway";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        var quick = Bench.Quick || Environment.GetEnvironmentVariable("GATEWAY_BENCH_QUICK") is "1" or "true";
        var loadBefore = Uptime();
        Console.WriteLine($"uptime before: {loadBefore}");

        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        using var admin = await server.CreateAdminClientAsync();

        // Two sample instances, registered in etcd as the client package writes them.
        await using var instanceA = await StartInstanceAsync("a");
        await using var instanceB = await StartInstanceAsync("b");
        var instances = new[] { ("a", instanceA), ("b", instanceB) };
        foreach (var (id, app) in instances)
        {
            var entry = new RegistryEntry
            {
                Service = Service,
                InstanceId = $"{Service}-{id}",
                Address = "127.0.0.1",
                Port = new Uri(Url(app)).Port,
                Metadata = new Dictionary<string, string> { ["version"] = "1.0.0" },
                RegisteredAt = DateTimeOffset.UtcNow,
            };
            await etcd.PutAsync(EtcdKeys.Instance(server.Prefix, Env, Service, entry.InstanceId), JsonSerializer.Serialize(entry, ContractsJsonContext.Default.RegistryEntry), ct);
        }

        // The routes namespace of the gateway's app, released through the server.
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = Service, name = Service }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = GatewayApp, name = GatewayApp }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/apps/{GatewayApp}/namespaces", new { name = "routes", format = "json" }, ct)).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/apps/{GatewayApp}/envs/{Env}/namespaces/routes/content", new
        {
            content = $$"""{ "Routes": { "bench": { "Match": { "Path": "/api/{**rest}" }, "Service": "{{Service}}" } } }""",
        }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/apps/{GatewayApp}/envs/{Env}/namespaces/routes/releases", new { message = "bench" }, ct)).EnsureSuccessStatusCode();
        var keyResponse = await admin.PostAsJsonAsync($"/api/v1/apps/{GatewayApp}/envs/{Env}/keys", new { name = "bench" }, ct);
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<KeyBody>(ct))!.Key;

        var gateway = await StartGatewayAsync(etcd.Endpoints, server, key);
        try
        {
            await MeasureAsync(report, gateway, instanceA, instanceB, quick, loadBefore, ct);
            await MeasureRouteChangesAsync(report, admin, gateway, quick, ct);
        }
        finally
        {
            await DisposeGatewayAsync(gateway);
        }
    }

    private async Task MeasureAsync(BenchmarkReport report, WebApplication gateway, WebApplication instanceA, WebApplication instanceB, bool quick, string loadBefore, CancellationToken ct)
    {
        // --quick (the CI smoke run) is shorter still than GATEWAY_BENCH_QUICK.
        var warmup = Bench.Quick ? TimeSpan.FromSeconds(1) : quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(6);
        var window = Bench.Quick ? TimeSpan.FromSeconds(1) : quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);
        var rounds = Bench.Quick ? 1 : quick ? 2 : 4;
        var sequential = Bench.Quick ? 100 : quick ? 300 : 1_500;
        await using var staticYarp = await StartStaticYarpAsync(Url(instanceA), Url(instanceB));

        using var direct = new Target("direct to the instances", [Url(instanceA), Url(instanceB)]);
        using var yarp = new Target("static YARP", [Url(staticYarp)]);
        using var through = new Target("ConfigCenter gateway", [Url(gateway)]);
        Target[] targets = [direct, yarp, through];

        // The gateway must route before anything is measured: both instances answer through it.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await through.Clients[0].GetAsync(Path, ct);
            if (response.IsSuccessStatusCode) seen.Add(await response.Content.ReadAsStringAsync(ct));
            return seen.Count == 2;
        }, TimeSpan.FromSeconds(30), "the gateway routes to both instances", ct);
        Console.WriteLine($"instances {Url(instanceA)} {Url(instanceB)}, static YARP {Url(staticYarp)}, gateway {Url(gateway)}");

        foreach (var target in targets) await LoadAsync(target, warmup, record: false, ct);
        for (var round = 0; round < rounds; round++)
        {
            // Alternate, and rotate which goes first, so no target always runs on a hotter or colder machine.
            for (var i = 0; i < targets.Length; i++) await LoadAsync(targets[(i + round) % targets.Length], window, record: true, ct);
            for (var i = 0; i < targets.Length; i++) await SequentialAsync(targets[(i + round) % targets.Length], sequential, ct);
        }
        var loadAfter = Uptime();
        Console.WriteLine($"uptime after: {loadAfter}");

        var note = $"{Concurrency} loops, {rounds}×{window.TotalSeconds:0} s alternating; load before [{loadBefore}] after [{loadAfter}]";
        foreach (var t in targets)
        {
            report.Add(Name, $"{t.Name}: throughput", t.Rate, "req/s", note);
            report.Add(Name, $"{t.Name}: CPU per request (whole process)", t.CpuMicrosPerRequest, "µs", "client + proxy + instance");
            report.Add(Name, $"{t.Name}: p50 / p99 sequential", t.P50, "ms", $"p99 {t.P99:0.000} ms; one request at a time, {rounds}×{sequential}");
            report.Add(Name, $"{t.Name}: p99 under load", t.LoadedP99, "ms", $"p50 {t.LoadedP50:0.000} ms at {Concurrency} concurrent");
        }
        report.Add(Name, "static YARP added p50 / p99", yarp.P50 - direct.P50, "ms", $"p99 +{yarp.P99 - direct.P99:0.000} ms over direct");
        report.Add(Name, "gateway added p50 / p99", through.P50 - direct.P50, "ms", $"p99 +{through.P99 - direct.P99:0.000} ms over direct");
        var throughputRatio = through.Rate / yarp.Rate;
        // When static YARP's p99 is not above direct's (noise on a loaded machine) the ratio means nothing: say so.
        var yarpAdded = yarp.P99 - direct.P99;
        var p99Ratio = yarpAdded > 0 ? (through.P99 - direct.P99) / yarpAdded : double.NaN;
        report.Add(Name, "gateway / static YARP throughput", throughputRatio * 100, "%", throughputRatio >= 0.9 ? "target ≥ 90 %: met" : "target ≥ 90 %: MISSED");
        report.Add(Name, "gateway / static YARP added p99", p99Ratio, "×", double.IsNaN(p99Ratio)
            ? "undefined: static YARP's sequential p99 was not above direct's in this run (noise); compare the absolute figures"
            : p99Ratio <= 1.2 ? "target ≤ 1.2×: met" : "target ≤ 1.2×: MISSED");
    }

    /// <summary>
    /// Publish → route in effect: each round releases the routes namespace with one more route and times from the
    /// publish API's answer until the gateway answers 200 on that route (a tight GET loop, so the figure includes at most
    /// one request's latency). Issue 11's "routes take effect within a second" is this figure.
    /// </summary>
    private async Task MeasureRouteChangesAsync(BenchmarkReport report, HttpClient admin, WebApplication gateway, bool quick, CancellationToken ct)
    {
        var changes = quick ? 3 : 40;
        using var client = new HttpClient { BaseAddress = new Uri(Url(gateway)) };
        var times = new List<double>(changes);
        var routes = $$"""
            "bench": { "Match": { "Path": "/api/{**rest}" }, "Service": "{{Service}}" }
            """;
        for (var i = 0; i < changes; i++)
        {
            routes += $$"""
                , "change{{i}}": { "Match": { "Path": "/change{{i}}/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/change{{i}}" } ] }
                """;
            (await admin.PutAsJsonAsync($"/api/v1/apps/{GatewayApp}/envs/{Env}/namespaces/routes/content",
                new { content = $$"""{ "Routes": { {{routes}} } }""" }, ct)).EnsureSuccessStatusCode();
            using var publish = await admin.PostAsJsonAsync($"/api/v1/apps/{GatewayApp}/envs/{Env}/namespaces/routes/releases", new { message = $"route {i}" }, ct);
            publish.EnsureSuccessStatusCode();
            var start = Stopwatch.GetTimestamp();
            var deadline = start + Stopwatch.Frequency * 30;
            while (true)
            {
                using var response = await client.GetAsync($"/change{i}{Path}", ct);
                if (response.IsSuccessStatusCode) break;
                if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"route change{i} never took effect ({(int)response.StatusCode})");
            }
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        var p99 = BenchmarkReport.Percentile(times, 99);
        report.Add(Name, "publish → route in effect p50", BenchmarkReport.Percentile(times, 50), "ms",
            string.Create(CultureInfo.InvariantCulture, $"p99 {p99:0.0} ms, max {times[^1]:0.0} ms over {changes} releases; target ≤ 1,000 ms: {(times[^1] <= 1000 ? "met" : "MISSED")} ({Uptime()})"));
    }

    private static async Task LoadAsync(Target target, TimeSpan duration, bool record, CancellationToken ct)
    {
        long count = 0;
        var latencies = new List<double>[Concurrency];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var begin = Stopwatch.GetTimestamp();
        var stop = begin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async loop =>
        {
            var mine = latencies[loop] = new List<double>(8192);
            var client = target.Clients[loop % target.Clients.Count];
            while (Stopwatch.GetTimestamp() < stop)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(Path, ct);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(ct);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref count);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        if (!record) return;
        target.Requests += count;
        target.Seconds += elapsed;
        target.CpuMicros += cpu;
        foreach (var l in latencies) target.Loaded.AddRange(l);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {target.Name}: {count / elapsed:0} req/s"));
    }

    private static async Task SequentialAsync(Target target, int requests, CancellationToken ct)
    {
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await target.Clients[i % target.Clients.Count].GetAsync(Path, ct);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync(ct);
            target.Sequential.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    private static async Task<WebApplication> StartInstanceAsync(string id)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = EmptyRoot.Value });
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Get()}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet(Path, () => Results.Text($"instance {id}", "text/plain"));
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartGatewayAsync(IReadOnlyList<string> etcdEndpoints, ConfigCenterServerHost server, string key)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = EmptyRoot.Value });
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Get()}");
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?>
        {
            ["ConfigCenter:App"] = GatewayApp,
            ["ConfigCenter:Environment"] = Env,
            ["ConfigCenter:Server:Url"] = server.BaseAddress.ToString(),
            ["ConfigCenter:Server:ApiKey"] = key,
            ["ConfigCenter:Etcd:Prefix"] = server.Prefix,
            ["Gateway:RoutesNamespace"] = "routes",
        };
        for (var i = 0; i < etcdEndpoints.Count; i++) settings[$"ConfigCenter:Etcd:Endpoints:{i}"] = etcdEndpoints[i];
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGateway();
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartStaticYarpAsync(string a, string b)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = EmptyRoot.Value });
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Get()}");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "bench", ClusterId = "bench", Match = new RouteMatch { Path = "/api/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "bench",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["a"] = new() { Address = a },
                    ["b"] = new() { Address = b },
                },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Stops and disposes the in-process gateway. Its proxy-config provider is disposed once per DI registration that
    /// resolved it and its Dispose is not idempotent (ObjectDisposedException from the second SignalChange): reported to
    /// the gateway's owner; here the failure is printed, not hidden, and the figures already taken stand.
    /// </summary>
    private static async Task DisposeGatewayAsync(WebApplication gateway)
    {
        await gateway.StopAsync();
        try
        {
            await gateway.DisposeAsync();
        }
        catch (ObjectDisposedException e)
        {
            Console.Error.WriteLine($"gateway dispose failed (known, see RegistryProxyConfigProvider.Dispose): {e.Message}");
        }
    }

    private static string Url(WebApplication app) => app.Urls.First();

    private static string Uptime()
    {
        using var process = Process.Start(new ProcessStartInfo("uptime") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    private static readonly Lazy<string> EmptyRoot = new(() => Directory.CreateTempSubdirectory("configcenter-bench-root-").FullName);

    private sealed record KeyBody(int Id, string Key);

    /// <summary>One way to reach the instances, with what was measured through it.</summary>
    private sealed class Target(string name, IReadOnlyList<string> urls) : IDisposable
    {
        public string Name { get; } = name;

        public IReadOnlyList<HttpClient> Clients { get; } = [.. urls.Select(u => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = new Uri(u) })];

        public long Requests { get; set; }
        public double Seconds { get; set; }
        public double CpuMicros { get; set; }
        public List<double> Loaded { get; } = [];
        public List<double> Sequential { get; } = [];

        public double Rate => Requests / Seconds;
        public double CpuMicrosPerRequest => CpuMicros / Requests;
        public double P50 => Percentile(Sequential, 50);
        public double P99 => Percentile(Sequential, 99);
        public double LoadedP50 => Percentile(Loaded, 50);
        public double LoadedP99 => Percentile(Loaded, 99);

        private static double Percentile(List<double> values, double p)
        {
            var sorted = values.Order().ToList();
            return BenchmarkReport.Percentile(sorted, p);
        }

        public void Dispose()
        {
            foreach (var client in Clients) client.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Client;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Publish-to-reload latency: from the publish API call (<c>POST …/releases</c>) to the
/// <c>IOptionsMonitor&lt;T&gt;.OnChange</c> callback of one observed, full client, per transport, with 1 and with
/// 1,000 subscribed clients. The other 999 are lightweight subscribers in a second process (see
/// <see cref="SubscriberProcess"/>): a raw etcd watch on the app's prefix, or a WebSocket that speaks the SignalR
/// protocol, subscribes exactly like the client and receives every push, but does not run a provider. Reported: the
/// observed client's latency, every client's receive latency (all 1,000 × 200), the slowest client's, and the CPU
/// each process spent per publish. For etcd the transport alone is also measured (a release document put straight
/// into etcd → OnChange) and compared with the raw put → watch baseline of the same payload, in the same run.
/// Set CONFIGCENTER_BENCH_ONLY=hub:1000 (transport:clients) to run one scenario, CONFIGCENTER_BENCH_WARMUP_SECONDS
/// to change the warm-up.
/// </summary>
internal sealed class PublishToReloadBenchmark : IBenchmark
{
    private static readonly int Publishes = Bench.Pick(200, 5);
    // Publishes per scenario before measuring, and at least WarmupTime of them: on 2 cores the JIT keeps
    // optimizing the server's code for tens of seconds, and measuring during that would describe start-up,
    // not a server that has been up for a while (measured: 65 ms of server CPU per publish after 8 s, 35 ms after 40 s).
    private static readonly int Warmup = Bench.Pick(100, 3);
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("CONFIGCENTER_BENCH_WARMUP_SECONDS"), out var seconds) ? seconds : Bench.Pick(25, 0));
    internal const string Env = "dev";
    internal const string Ns = "application";

    public string Name => "reload";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        using var admin = await server.CreateAdminClientAsync();
        using var channel = GrpcChannel.ForAddress(etcd.Endpoints[0]);
        var cacheRoot = Directory.CreateTempSubdirectory("configcenter-bench-");
        try
        {
            var raw = await RawPutToWatchAsync(channel, ct);
            report.Add(Name, "raw etcd put→watch p50", raw.P50, "ms", $"{Publishes} puts, release-document payload");
            report.Add(Name, "raw etcd put→watch p99", raw.P99, "ms");
            foreach (var transport in new[] { "etcd", "hub" })
            {
                foreach (var clients in new[] { 1, Bench.Pick(1000, 50) })
                {
                    if (Environment.GetEnvironmentVariable("CONFIGCENTER_BENCH_ONLY") is { Length: > 0 } only && only != $"{transport}:{clients}") continue;
                    var label = $"{transport}, {clients} client{(clients == 1 ? "" : "s")}";
                    Console.WriteLine($"PHASE {label}");
                    // Disposed by the await using; CA2000 misreads async disposal of a type created in a loop.
#pragma warning disable CA2000
                    await using var run = new Scenario(server, admin, etcd, channel, transport, clients, cacheRoot.FullName);
#pragma warning restore CA2000
                    await run.StartAsync(ct);
                    var m = await run.MeasureAsync(publishViaApi: true, WarmupTime, ct);
                    report.Add(Name, $"{label}: publish API call alone p50 / p99", m.Call.P50, "ms", $"p99 {m.Call.P99:0.#} ms (server: SQLite commit + outbox)");
                    report.Add(Name, $"{label}: publish API→OnChange p50", m.Observed.P50, "ms", "observed full client");
                    report.Add(Name, $"{label}: publish API→OnChange p99", m.Observed.P99, "ms", "observed full client");
                    if (clients > 1)
                    {
                        report.Add(Name, $"{label}: publish API→received, every client p50", m.Each.P50, "ms", $"all {clients} clients × {Publishes} publishes");
                        report.Add(Name, $"{label}: publish API→received, every client p99", m.Each.P99, "ms", $"all {clients} clients × {Publishes} publishes");
                        report.Add(Name, $"{label}: publish API→last client received p99", m.Last.P99, "ms", "the slowest client of each publish");
                    }
                    report.Add(Name, $"{label}: CPU per publish, server process", m.Used.Server.TotalMilliseconds / Publishes, "ms",
                        $"server + observed client; subscribers {m.Used.Subscribers.TotalMilliseconds / Publishes:0.00} ms, etcd {m.Used.Etcd.TotalMilliseconds / Publishes:0.00} ms; " +
                        $"server GC pauses {m.Used.GcPause.TotalMilliseconds / Publishes:0.00} ms ({m.Used.Gen0} gen0, {m.Used.Gen2} gen2 in {Publishes} publishes)");
                    if (transport != "etcd") continue;
                    var direct = (await run.MeasureAsync(publishViaApi: false, TimeSpan.Zero, ct)).Observed;
                    report.Add(Name, $"{label}: etcd put→OnChange p50", direct.P50, "ms", "transport only");
                    report.Add(Name, $"{label}: etcd put→OnChange p99", direct.P99, "ms", "transport only");
                    report.Add(Name, $"{label}: transport p50 / raw put→watch p50", direct.P50 / raw.P50, "x", "target ≤ 3");
                }
            }
        }
        finally
        {
            cacheRoot.Delete(recursive: true);
        }
    }

    /// <summary>One app with one observed full client and <c>count - 1</c> lightweight subscribers in a process of their own.</summary>
    private sealed class Scenario(ConfigCenterServerHost server, HttpClient admin, EtcdCluster etcd, GrpcChannel channel,
        string transport, int count, string cacheRoot) : IAsyncDisposable
    {
        private readonly string _app = $"bench-{transport}-{count}";
        private SubscriberProcess? _others;
        private ConfigurationManager? _client;
        private ServiceProvider? _services;
        private TaskCompletionSource<long> _othersDone = new();
        private TaskCompletionSource<long> _observed = new();
        private string? _expected;
        private long _revision;
        private int _rounds;

        public async Task StartAsync(CancellationToken ct)
        {
            var apiKey = await CreateAppAsync(admin, _app, ct);
            _revision = await PublishAsync(admin, _app, "v0", ct);
            await WaitInEtcdAsync(etcd, server.Prefix, _app, _revision, ct);
            _client = new ConfigurationManager();
            _client.AddConfigCenter(o =>
            {
                (o.App, o.Environment, o.Namespaces, o.CacheDirectory) = (_app, Env, [Ns], Path.Combine(cacheRoot, _app));
                if (transport == "etcd") (o.Etcd.Endpoints, o.Etcd.Prefix) = ([.. etcd.Endpoints], server.Prefix);
                else (o.Server.Url, o.Server.ApiKey) = (server.BaseAddress.ToString(), apiKey);
            });
            var services = new ServiceCollection().AddSingleton<IConfiguration>(_client);
            services.AddOptions<BenchSettings>().Bind(_client);
            _services = services.BuildServiceProvider();
            _services.GetRequiredService<IOptionsMonitor<BenchSettings>>().OnChange(s =>
            {
                if (s.Value == Volatile.Read(ref _expected)) _observed.TrySetResult(Stopwatch.GetTimestamp());
            });
            if (count == 1) return;
            _others = transport == "etcd"
                ? await SubscriberProcess.StartAsync(transport, count - 1, etcd.Endpoints[0], EtcdKeys.ConfigPrefix(server.Prefix, Env, _app), _app, _revision, ct)
                : await SubscriberProcess.StartAsync(transport, count - 1, server.BaseAddress.ToString(), apiKey, _app, _revision, ct);
            _others.OnRoundComplete(at => _othersDone.TrySetResult(at));
        }

        /// <summary>Publishes <see cref="Publishes"/> releases one after another; each waits until every client got it.</summary>
        /// <param name="publishViaApi">Publish through the API (else put documents straight into etcd).</param>
        /// <param name="warmupTime">Keep warming up at least this long; the JIT keeps optimizing code for tens of seconds on 2 cores.</param>
        /// <param name="ct">Cancellation.</param>
        public async Task<Measured> MeasureAsync(bool publishViaApi, TimeSpan warmupTime, CancellationToken ct)
        {
            List<double> one = [], last = [], call = [];
            var starts = new List<(long Start, long Observed)>();
            var firstRound = _rounds;
            var cpu = CpuNow();
            var warmup = Warmup;
            var began = Stopwatch.GetTimestamp();
            // Documents put straight into etcd continue the namespace's release history, so they carry its generation.
            var generation = publishViaApi ? "" : await CurrentGenerationAsync(ct);
            for (var i = 1; i <= warmup + Publishes; i++)
            {
                if (i == warmup && Stopwatch.GetElapsedTime(began) < warmupTime) warmup++;
                if (i == warmup + 1) cpu = CpuNow();
                var value = $"{(publishViaApi ? "api" : "put")}{i}";
                if (publishViaApi) await SetValueAsync(admin, _app, value, ct);
                _observed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                _othersDone = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _expected, value);
                var start = Stopwatch.GetTimestamp();
                if (publishViaApi) _revision = await PublishAsync(admin, _app, null, ct);
                else await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(EtcdKeys.Config(server.Prefix, Env, _app, Ns)), Value = Document(_app, ++_revision, value, generation) }, cancellationToken: ct);
                var called = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var seen = await _observed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                var othersAt = _others is null ? seen : await _othersDone.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
                _rounds++;
                if (i <= warmup) continue;
                starts.Add((start, seen));
                one.Add(Stopwatch.GetElapsedTime(start, seen).TotalMilliseconds);
                last.Add(Stopwatch.GetElapsedTime(start, Math.Max(seen, othersAt)).TotalMilliseconds);
                call.Add(called);
            }
            var used = CpuNow() - cpu;
            // Every client's receive time: the observed client's callback plus each subscriber's receive.
            var each = starts.Select(s => Stopwatch.GetElapsedTime(s.Start, s.Observed).TotalMilliseconds).ToList();
            if (_others is not null)
            {
                var rounds = await _others.ReportAsync(ct);
                var measured = rounds.Skip(firstRound + warmup).Take(Publishes).ToList();
                for (var r = 0; r < measured.Count; r++) each.AddRange(measured[r].Select(at => Stopwatch.GetElapsedTime(starts[r].Start, at).TotalMilliseconds));
            }
            return new Measured(Stats.Of(one), Stats.Of(last), Stats.Of(call), Stats.Of(each), used);
        }

        private async Task<string> CurrentGenerationAsync(CancellationToken ct)
        {
            var range = await new KV.KVClient(channel).RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8(EtcdKeys.Config(server.Prefix, Env, _app, Ns)) }, cancellationToken: ct);
            return range.Kvs.Count == 0 ? "" : JsonSerializer.Deserialize(range.Kvs[0].Value.Span, ContractsJsonContext.Default.ReleaseDocument)!.Generation;
        }

        private CpuSplit CpuNow() => new(Process.GetCurrentProcess().TotalProcessorTime, _others?.Cpu ?? TimeSpan.Zero, EtcdCpu(),
            GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(2));

        private TimeSpan EtcdCpu() => TimeSpan.FromTicks(etcd.Members.Sum(member =>
        {
            if (member.ProcessId is not { } id) return 0L;
            using var process = Process.GetProcessById(id);
            return process.TotalProcessorTime.Ticks;
        }));

        public async ValueTask DisposeAsync()
        {
            if (_others is not null) await _others.DisposeAsync();
            if (_services is not null) await _services.DisposeAsync();
            _client?.Dispose();
        }
    }

    /// <summary>CPU time of the benchmark process (server + observed client), the subscriber process and etcd.</summary>
    private readonly record struct CpuSplit(TimeSpan Server, TimeSpan Subscribers, TimeSpan Etcd, TimeSpan GcPause, int Gen0, int Gen2)
    {
        public static CpuSplit operator -(CpuSplit a, CpuSplit b) =>
            new(a.Server - b.Server, a.Subscribers - b.Subscribers, a.Etcd - b.Etcd, a.GcPause - b.GcPause, a.Gen0 - b.Gen0, a.Gen2 - b.Gen2);
    }

    private readonly record struct Measured(Stats Observed, Stats Last, Stats Call, Stats Each, CpuSplit Used);

    /// <summary>The baseline: put a release document into etcd and time until a raw watch delivers it.</summary>
    private static async Task<Stats> RawPutToWatchAsync(GrpcChannel channel, CancellationToken ct)
    {
        var kv = new KV.KVClient(channel);
        var key = ByteString.CopyFromUtf8($"/bench-raw/{Guid.NewGuid():N}");
        var events = Channel.CreateUnbounded<long>();
        using var watch = new Watch.WatchClient(channel).Watch(cancellationToken: ct);
        await watch.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = key } }, ct);
        var reader = Task.Run(async () =>
        {
            while (await watch.ResponseStream.MoveNext(ct))
            {
                if (watch.ResponseStream.Current.Events.Count > 0) events.Writer.TryWrite(Stopwatch.GetTimestamp());
            }
        }, ct);
        var samples = new List<double>();
        for (var i = 1; i <= Warmup + Publishes; i++)
        {
            var value = Document("bench-raw", i, $"v{i}");
            var start = Stopwatch.GetTimestamp();
            await kv.PutAsync(new PutRequest { Key = key, Value = value }, cancellationToken: ct);
            var seen = await events.Reader.ReadAsync(ct);
            if (i > Warmup) samples.Add(Stopwatch.GetElapsedTime(start, seen).TotalMilliseconds);
        }
        await watch.RequestStream.CompleteAsync();
        return Stats.Of(samples);
    }

    /// <summary>A valid release document (checksum included) with one item, as the server would write it.</summary>
    private static ByteString Document(string app, long revision, string value, string generation = "")
    {
        var items = new Dictionary<string, string?> { ["Value"] = value };
        var document = new ReleaseDocument
        {
            App = app,
            Environment = Env,
            Namespace = Ns,
            Revision = revision,
            Generation = generation,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "bench",
            Message = "bench",
            Checksum = ReleaseChecksum.Compute(items),
            Items = items,
        };
        return ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Default.ReleaseDocument));
    }

    internal static async Task<string> CreateAppAsync(HttpClient admin, string app, CancellationToken ct)
    {
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = app, name = app }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name = Ns, format = "properties" }, ct)).EnsureSuccessStatusCode();
        var key = await (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/keys", new { name = "bench" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        return key.GetProperty("key").GetString()!;
    }

    internal static async Task SetValueAsync(HttpClient admin, string app, string value, CancellationToken ct) =>
        (await admin.PutAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/namespaces/{Ns}/items/Value", new { value }, ct)).EnsureSuccessStatusCode();

    internal static async Task<long> PublishAsync(HttpClient admin, string app, string? firstValue, CancellationToken ct)
    {
        if (firstValue is not null) await SetValueAsync(admin, app, firstValue, ct);
        var response = await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/namespaces/{Ns}/releases", new { message = "bench" }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("revision").GetInt64();
    }

    internal static Task WaitInEtcdAsync(EtcdCluster etcd, string prefix, string app, long revision, CancellationToken ct) =>
        WaitFor.ConditionAsync(async () => (await etcd.GetAsync(EtcdKeys.Config(prefix, Env, app, Ns), ct))?.Contains($"\"revision\":{revision},", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30), $"etcd holds {app} r{revision}", ct);

    private sealed class BenchSettings
    {
        public string? Value { get; set; }
    }

    private readonly record struct Stats(double P50, double P99)
    {
        public static Stats Of(List<double> samples)
        {
            samples.Sort();
            return new Stats(BenchmarkReport.Percentile(samples, 50), BenchmarkReport.Percentile(samples, 99));
        }
    }
}

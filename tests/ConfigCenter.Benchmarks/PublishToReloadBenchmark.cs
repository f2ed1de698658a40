using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Client;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Publish-to-reload latency: from the publish API call (<c>POST …/releases</c>) to the
/// <c>IOptionsMonitor&lt;T&gt;.OnChange</c> callback of one observed, full client, per transport, with 1 and with
/// 1,000 subscribed clients. The other 999 are lightweight subscribers in this process: a raw etcd watch on the
/// app's prefix, or a raw SignalR connection that subscribes exactly like the client and receives every push, but
/// does not run a provider. For etcd the transport alone is also measured (a release document put straight into
/// etcd → OnChange) and compared with the raw put → watch baseline of the same payload, in the same run.
/// </summary>
internal sealed class PublishToReloadBenchmark : IBenchmark
{
    private const int Publishes = 200;
    // Publishes per scenario before measuring: the server, client and subscriber code runs tiered-up (JIT
    // optimized) by then, as it would in a process that has been up for a while.
    private const int Warmup = 100;
    private const string Env = "dev";
    private const string Ns = "application";

    public string Name => "reload";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("CONFIGCENTER_BENCH_MINTHREADS") is { } mt) ThreadPool.SetMinThreads(int.Parse(mt), int.Parse(mt));
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
                foreach (var clients in new[] { 1, 1000 })
                {
                    // CONFIGCENTER_BENCH_ONLY=hub:1000 runs one scenario (for profiling).
                    if (Environment.GetEnvironmentVariable("CONFIGCENTER_BENCH_ONLY") is { Length: > 0 } only && only != $"{transport}:{clients}") continue;
                    var label = $"{transport}, {clients} client{(clients == 1 ? "" : "s")}";
                    Console.WriteLine($"PHASE {label}");
                    var run = new Scenario(server, admin, etcd, channel, transport, clients, cacheRoot.FullName);
                    await using var _ = run;
                    await run.StartAsync(ct);
                    var (observed, all, call, each) = await run.MeasureAsync(publishViaApi: true, ct);
                    report.Add(Name, $"{label}: publish API call alone p50 / p99", call.P50, "ms", $"p99 {call.P99:0.#} ms (server: SQLite commit + outbox)");
                    report.Add(Name, $"{label}: publish API→OnChange p50", observed.P50, "ms", "observed full client");
                    report.Add(Name, $"{label}: publish API→OnChange p99", observed.P99, "ms", "observed full client");
                    if (clients > 1)
                    {
                        report.Add(Name, $"{label}: publish API→received, every client p50", each.P50, "ms", $"all {clients} clients × {Publishes} publishes");
                        report.Add(Name, $"{label}: publish API→received, every client p99", each.P99, "ms", $"all {clients} clients × {Publishes} publishes");
                        report.Add(Name, $"{label}: publish API→last client received p99", all.P99, "ms", "the slowest subscriber of each publish");
                    }
                    if (transport != "etcd") continue;
                    var (direct, _, _, _) = await run.MeasureAsync(publishViaApi: false, ct);
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

    /// <summary>One app with one observed full client and <c>count - 1</c> lightweight subscribers.</summary>
    private sealed class Scenario(ConfigCenterServerHost server, HttpClient admin, EtcdCluster etcd, GrpcChannel channel,
        string transport, int count, string cacheRoot) : IAsyncDisposable
    {
        private readonly string _app = $"bench-{transport}-{count}";
        private readonly List<IAsyncDisposable> _subscribers = [];
        private ConfigurationManager? _client;
        private ServiceProvider? _services;
        private int _received;
        private int _target = int.MaxValue;
        private TaskCompletionSource<long> _all = new();
        private TaskCompletionSource<long> _observed = new();
        private string? _expected;
        private long _revision;
        private readonly List<long> _deliveries = [];

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
            ChangeToken.OnChange(((IConfiguration)_client).GetReloadToken, Hit);
            var services = new ServiceCollection().AddSingleton<IConfiguration>(_client);
            services.AddOptions<BenchSettings>().Bind(_client);
            _services = services.BuildServiceProvider();
            _services.GetRequiredService<IOptionsMonitor<BenchSettings>>().OnChange(s =>
            {
                if (s.Value == Volatile.Read(ref _expected)) _observed.TrySetResult(Stopwatch.GetTimestamp());
            });
            var prefix = EtcdKeys.ConfigPrefix(server.Prefix, Env, _app);
            await Parallel.ForEachAsync(Enumerable.Range(1, count - 1), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
            {
                IAsyncDisposable subscriber = transport == "etcd"
                    ? await EtcdSubscriber.StartAsync(channel, prefix, _revision + 1, Hit, token)
                    : await HubSubscriber.StartAsync(server.BaseAddress, apiKey, _app, _revision, Hit, token);
                lock (_subscribers) _subscribers.Add(subscriber);
            });
        }

        /// <summary>Publishes <see cref="Publishes"/> releases one after another; each waits until every subscriber got it.</summary>
        public async Task<(Stats Observed, Stats All, Stats Call, Stats Each)> MeasureAsync(bool publishViaApi, CancellationToken ct)
        {
            List<double> one = [], every = [], call = [], each = [];
            for (var i = 1; i <= Warmup + Publishes; i++)
            {
                var value = $"{(publishViaApi ? "api" : "put")}{i}";
                if (publishViaApi) await SetValueAsync(admin, _app, value, ct);
                _observed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                _all = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _expected, value);
                Volatile.Write(ref _target, Volatile.Read(ref _received) + count);
                lock (_deliveries) _deliveries.Clear();
                var start = Stopwatch.GetTimestamp();
                if (publishViaApi) _revision = await PublishAsync(admin, _app, null, ct);
                else await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(EtcdKeys.Config(server.Prefix, Env, _app, Ns)), Value = Document(_app, ++_revision, value) }, cancellationToken: ct);
                var called = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var seen = await _observed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                var last = await _all.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
                if (i <= Warmup) continue;
                one.Add(Stopwatch.GetElapsedTime(start, seen).TotalMilliseconds);
                every.Add(Stopwatch.GetElapsedTime(start, last).TotalMilliseconds);
                call.Add(called);
                lock (_deliveries) each.AddRange(_deliveries.Select(d => Stopwatch.GetElapsedTime(start, d).TotalMilliseconds));
            }
            return (Stats.Of(one), Stats.Of(every), Stats.Of(call), Stats.Of(each));
        }

        private void Hit()
        {
            var now = Stopwatch.GetTimestamp();
            lock (_deliveries) _deliveries.Add(now);
            if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target)) _all.TrySetResult(now);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var subscriber in _subscribers) await subscriber.DisposeAsync();
            if (_services is not null) await _services.DisposeAsync();
            _client?.Dispose();
        }
    }

    /// <summary>A lightweight etcd subscriber: one watch stream on the app's prefix, like the client's.</summary>
    private sealed class EtcdSubscriber(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, Task reading) : IAsyncDisposable
    {
        public static async Task<EtcdSubscriber> StartAsync(GrpcChannel channel, string prefix, long from, Action hit, CancellationToken ct)
        {
            var call = new Watch.WatchClient(channel).Watch(cancellationToken: ct);
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = Client.Etcd.EtcdWatchTransport.PrefixEnd(prefix), StartRevision = from } }, ct);
            var reading = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    if (call.ResponseStream.Current.Events.Count > 0) hit();
                }
            }, CancellationToken.None);
            return new EtcdSubscriber(call, reading);
        }

        public async ValueTask DisposeAsync()
        {
            call.Dispose();
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// A lightweight hub subscriber: a raw WebSocket speaking the SignalR JSON protocol — handshake, the same
    /// <c>Subscribe</c> invocation as the client, then one receive per push. The server does exactly the work it
    /// does for a real client; the benchmark process does not spend a full HubConnection's CPU on each of the 999.
    /// </summary>
    private sealed class HubSubscriber(ClientWebSocket socket, Task reading, CancellationTokenSource stop) : IAsyncDisposable
    {
        private const char RecordSeparator = '\u001e';

        public static async Task<HubSubscriber> StartAsync(Uri server, string apiKey, string app, long known, Action hit, CancellationToken ct)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader(ConfigHubRoutes.ApiKeyHeader, apiKey);
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            var url = new UriBuilder(new Uri(server, ConfigHubRoutes.Hub)) { Scheme = server.Scheme == "https" ? "wss" : "ws" }.Uri;
            await socket.ConnectAsync(url, ct);
            await SendAsync(socket, "{\"protocol\":\"json\",\"version\":1}", ct);
            var subscribe = JsonSerializer.Serialize(new
            {
                type = 1, invocationId = "1", target = nameof(IConfigHub.Subscribe),
                arguments = new object[] { app, Env, new[] { Ns }, new Dictionary<string, long> { [Ns] = known }, new { instanceId = Guid.NewGuid().ToString("N") } },
            });
            await SendAsync(socket, subscribe, ct);
            var buffer = new byte[64 * 1024];
            // Handshake answer, then the invocation's completion (type 3).
            var text = "";
            while (!text.Contains("\"type\":3", StringComparison.Ordinal))
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The hub closed the connection while subscribing.");
                text += System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count);
                if (text.Contains("\"error\"", StringComparison.Ordinal)) throw new InvalidOperationException($"Subscribe failed: {text}");
            }
            var stop = new CancellationTokenSource();
            var reading = Task.Run(async () =>
            {
                var lastPing = Stopwatch.GetTimestamp();
                while (!stop.IsCancellationRequested)
                {
                    var result = await socket.ReceiveAsync(buffer, stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    // Pushes are invocations (type 1); the server's keep-alive pings are type 6.
                    if (buffer.AsSpan(0, result.Count).IndexOf("\"type\":1,"u8) >= 0) hit();
                    if (Stopwatch.GetElapsedTime(lastPing) > TimeSpan.FromSeconds(10))
                    {
                        lastPing = Stopwatch.GetTimestamp();
                        await SendAsync(socket, "{\"type\":6}", stop.Token);
                    }
                }
            }, CancellationToken.None);
            return new HubSubscriber(socket, reading, stop);
        }

        private static Task SendAsync(ClientWebSocket socket, string message, CancellationToken ct) =>
            socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, ct);

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            socket.Abort();
            socket.Dispose();
            stop.Dispose();
        }
    }

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
    private static ByteString Document(string app, long revision, string value)
    {
        var items = new Dictionary<string, string?> { ["Value"] = value };
        var document = new ReleaseDocument
        {
            App = app, Environment = Env, Namespace = Ns, Revision = revision, Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow, PublishedBy = "bench", Message = "bench", Checksum = ReleaseChecksum.Compute(items), Items = items,
        };
        return ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Default.ReleaseDocument));
    }

    private static async Task<string> CreateAppAsync(HttpClient admin, string app, CancellationToken ct)
    {
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = app, name = app }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name = Ns, format = "properties" }, ct)).EnsureSuccessStatusCode();
        var key = await (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/keys", new { name = "bench" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        return key.GetProperty("key").GetString()!;
    }

    private static async Task SetValueAsync(HttpClient admin, string app, string value, CancellationToken ct) =>
        (await admin.PutAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/namespaces/{Ns}/items/Value", new { value }, ct)).EnsureSuccessStatusCode();

    private static async Task<long> PublishAsync(HttpClient admin, string app, string? firstValue, CancellationToken ct)
    {
        if (firstValue is not null) await SetValueAsync(admin, app, firstValue, ct);
        var response = await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{Env}/namespaces/{Ns}/releases", new { message = "bench" }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("revision").GetInt64();
    }

    private static Task WaitInEtcdAsync(EtcdCluster etcd, string prefix, string app, long revision, CancellationToken ct) =>
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

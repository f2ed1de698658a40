using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Issue 12: publish → received with 1,000 clients, against a raw baseline in the same run. Both sides are 1,000
/// lightweight subscribers in a child process (<see cref="SubscriberProcess"/>: the client's etcd watch on the app's
/// prefix, or a WebSocket speaking the SignalR JSON protocol that subscribes like the client). Rounds alternate — one
/// publish through the API, then one raw push of the same bytes — so both sides see the same moment's machine. Each
/// round waits until every subscriber of its side received it. Reported: p50 / p99 over every subscriber × measured
/// round, the last subscriber's p50 / p99, the CPU each process spent per round, and the ratios.
/// </summary>
internal abstract class PairedDeliveryBenchmark : IBenchmark
{
    protected static readonly int Clients = Bench.Pick(1000, 50);
    private static readonly int Rounds = Bench.Pick(200, 5);
    private static readonly int WarmupRounds = Bench.Pick(60, 3);
    private static readonly TimeSpan WarmupTime = Bench.Pick(TimeSpan.FromSeconds(20), TimeSpan.Zero);
    protected const string Env = PublishToReloadBenchmark.Env;
    protected const string Ns = PublishToReloadBenchmark.Ns;

    public abstract string Name { get; }

    /// <summary>"etcd" or "hub".</summary>
    protected abstract string Transport { get; }

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        var load = Bench.LoadAverage();
        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        using var admin = await server.CreateAdminClientAsync();
        var app = $"scale-{Transport}";
        var apiKey = await PublishToReloadBenchmark.CreateAppAsync(admin, app, ct);
        var revision = await PublishToReloadBenchmark.PublishAsync(admin, app, "v0", ct);
        await PublishToReloadBenchmark.WaitInEtcdAsync(etcd, server.Prefix, app, revision, ct);
        var configKey = EtcdKeys.Config(server.Prefix, Env, app, Ns);

        await using var raw = await StartRawAsync(etcd, ct);
        Console.WriteLine($"PHASE {Name}: connecting {Clients} + {Clients} subscribers");
        await using var product = Transport == "etcd"
            ? await SubscriberGroup.StartAsync("etcd", Clients, 1, etcd.Endpoints[0], EtcdKeys.ConfigPrefix(server.Prefix, Env, app), app, revision, ct)
            : await SubscriberGroup.StartAsync("hub", Clients, 1, server.BaseAddress.ToString(), apiKey, app, revision, ct);
        await using var baseline = await raw.SubscribeAsync(app, ct);

        var productStarts = new List<long>();
        var rawStarts = new List<long>();
        List<double> productLast = [], rawLast = [];
        CpuSample productCpu = default, rawCpu = default;
        var began = Stopwatch.GetTimestamp();
        var warmup = WarmupRounds;
        for (var i = 1; i <= warmup + Rounds; i++)
        {
            if (i == warmup && Stopwatch.GetElapsedTime(began) < WarmupTime) warmup++;
            var measured = i > warmup;

            await PublishToReloadBenchmark.SetValueAsync(admin, app, $"v{i}", ct);
            var before = CpuSample.Now(product, etcd);
            var start = Stopwatch.GetTimestamp();
            await PublishToReloadBenchmark.PublishAsync(admin, app, null, ct);
            var last = await product.WaitRoundAsync(ct);
            if (measured)
            {
                productCpu += CpuSample.Now(product, etcd) - before;
                productStarts.Add(start);
                productLast.Add(Stopwatch.GetElapsedTime(start, last).TotalMilliseconds);
            }

            // The same bytes the product just delivered, read outside the timing.
            var push = raw.Prepare(await ScaleMath.ReadAsync(etcd, configKey, ct));
            before = CpuSample.Now(baseline, etcd);
            start = Stopwatch.GetTimestamp();
            await push(ct);
            last = await baseline.WaitRoundAsync(ct);
            if (measured)
            {
                rawCpu += CpuSample.Now(baseline, etcd) - before;
                rawStarts.Add(start);
                rawLast.Add(Stopwatch.GetElapsedTime(start, last).TotalMilliseconds);
            }
        }

        var productEach = ScaleMath.Of(ScaleMath.Each(await product.ReportAsync(ct), productStarts, warmup));
        var rawEach = ScaleMath.Of(ScaleMath.Each(await baseline.ReportAsync(ct), rawStarts, warmup));
        var productLastStats = ScaleMath.Of(productLast);
        var rawLastStats = ScaleMath.Of(rawLast);
        var note = $"{Clients} clients × {Rounds} rounds after {warmup} warm-up rounds, alternated; load {load} → {Bench.LoadAverage()}";
        report.Add(Name, $"{Transport}: publish API → received, every client p50", productEach.P50, "ms", note);
        report.Add(Name, $"{Transport}: publish API → received, every client p99", productEach.P99, "ms");
        report.Add(Name, $"{Transport}: {raw.Description} → received, every client p50", rawEach.P50, "ms", "baseline, same bytes");
        report.Add(Name, $"{Transport}: {raw.Description} → received, every client p99", rawEach.P99, "ms", "baseline, same bytes");
        report.Add(Name, $"{Transport}: ratio p50", productEach.P50 / rawEach.P50, "x", "target ≤ 1.5");
        report.Add(Name, $"{Transport}: ratio p99", productEach.P99 / rawEach.P99, "x", "target ≤ 1.5");
        report.Add(Name, $"{Transport}: last client p50 / p99", productLastStats.P50, "ms", $"p99 {productLastStats.P99:0.0} ms; raw {rawLastStats.P50:0.0} / {rawLastStats.P99:0.0} ms");
        report.Add(Name, $"{Transport}: CPU per publish, product", productCpu.Process.TotalMilliseconds / Rounds, "ms", productCpu.PerRound(Rounds));
        report.Add(Name, $"{Transport}: CPU per push, raw", rawCpu.Process.TotalMilliseconds / Rounds, "ms", rawCpu.PerRound(Rounds));
    }

    protected abstract Task<IRawSide> StartRawAsync(EtcdCluster etcd, CancellationToken ct);

    /// <summary>The baseline: its own subscribers and a push of given bytes.</summary>
    protected interface IRawSide : IAsyncDisposable
    {
        string Description { get; }

        Task<SubscriberGroup> SubscribeAsync(string app, CancellationToken ct);

        /// <summary>Everything but the push itself (parsing, encoding) happens here, outside the timing.</summary>
        Func<CancellationToken, Task> Prepare(byte[] document);
    }
}

/// <summary>etcd transport vs 1,000 raw etcd watchers of one key and raw puts of the same document bytes.</summary>
internal sealed class ScaleEtcdBenchmark : PairedDeliveryBenchmark
{
    public override string Name => "scale-etcd";

    protected override string Transport => "etcd";

    protected override Task<IRawSide> StartRawAsync(EtcdCluster etcd, CancellationToken ct) => Task.FromResult<IRawSide>(new RawEtcd(etcd.Endpoints[0]));

    private sealed class RawEtcd(string endpoint) : IRawSide
    {
        private readonly GrpcChannel _channel = GrpcChannel.ForAddress(endpoint);
        private readonly string _prefix = $"/bench-raw-scale/{Guid.NewGuid():N}/";

        public string Description => "raw etcd put";

        public Task<SubscriberGroup> SubscribeAsync(string app, CancellationToken ct) =>
            SubscriberGroup.StartAsync("etcd", Clients, 1, endpoint, _prefix, app, 0, ct);

        public Func<CancellationToken, Task> Prepare(byte[] document)
        {
            var request = new PutRequest { Key = ByteString.CopyFromUtf8(_prefix + Ns), Value = ByteString.CopyFrom(document) };
            var kv = new KV.KVClient(_channel);
            return async ct => await kv.PutAsync(request, cancellationToken: ct);
        }

        public ValueTask DisposeAsync()
        {
            _channel.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Hub transport vs a raw SignalR hub broadcasting the same release document to 1,000 connections.</summary>
internal sealed class ScaleHubBenchmark : PairedDeliveryBenchmark
{
    public override string Name => "scale-hub";

    protected override string Transport => "hub";

    protected override async Task<IRawSide> StartRawAsync(EtcdCluster etcd, CancellationToken ct)
    {
        // Owned and disposed by the returned side.
#pragma warning disable CA2000
        var host = await RawSignalRHost.StartAsync();
#pragma warning restore CA2000
        return new RawHubSide(host);
    }

    private sealed class RawHubSide(RawSignalRHost host) : IRawSide
    {
        public string Description => "raw SignalR broadcast";

        public Task<SubscriberGroup> SubscribeAsync(string app, CancellationToken ct) =>
            SubscriberGroup.StartAsync("hub", Clients, 1, host.BaseAddress.ToString(), "none", app, 0, ct);

        public Func<CancellationToken, Task> Prepare(byte[] document)
        {
            var release = ScaleMath.Document(document);
            return ct => host.BroadcastAsync(release, ct);
        }

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Lightweight subscribers (<see cref="SubscriberProcess"/>) spread over one or more child processes, seen as one set:
/// a round is complete when every subscriber in every process received one more push.
/// </summary>
internal sealed class SubscriberGroup : IAsyncDisposable
{
    private readonly List<SubscriberProcess> _processes = [];
    private readonly List<Channel<long>> _rounds = [];

    private SubscriberGroup(int count) => Count = count;

    public int Count { get; }

    public IEnumerable<int> ProcessIds => _processes.Select(p => p.ProcessId);

    /// <summary>Starts <paramref name="count"/> subscribers in <paramref name="processes"/> child processes, one after another.</summary>
    public static async Task<SubscriberGroup> StartAsync(string transport, int count, int processes, string target, string credential, string app,
        long known, CancellationToken ct)
    {
        var group = new SubscriberGroup(count);
        try
        {
            for (var p = 0; p < processes; p++)
            {
                var size = count / processes + (p < count % processes ? 1 : 0);
                var process = await SubscriberProcess.StartAsync(transport, size, target, credential, app, known, ct);
                var rounds = Channel.CreateUnbounded<long>();
                process.OnRoundComplete(at => rounds.Writer.TryWrite(at));
                group._processes.Add(process);
                group._rounds.Add(rounds);
            }
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every subscriber received the next push; returns when the last one did.</summary>
    public async Task<long> WaitRoundAsync(CancellationToken ct)
    {
        long last = 0;
        foreach (var rounds in _rounds)
            last = Math.Max(last, await rounds.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(120), ct));
        return last;
    }

    /// <summary>Every subscriber's receive timestamps, one array per round (all processes together).</summary>
    public async Task<List<long[]>> ReportAsync(CancellationToken ct)
    {
        var perProcess = new List<List<long[]>>();
        foreach (var process in _processes) perProcess.Add(await process.ReportAsync(ct));
        var rounds = perProcess.Min(p => p.Count);
        return [.. Enumerable.Range(0, rounds).Select(r => perProcess.SelectMany(p => p[r]).ToArray())];
    }

    public TimeSpan Cpu => _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Cpu);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
    }
}

/// <summary>
/// The raw SignalR baseline: a minimal Kestrel + SignalR app (default JSON protocol, WebSockets, the product hub's route,
/// no authentication) whose <c>Subscribe</c> joins the same group the product hub would and returns nothing. The benchmark
/// broadcasts with <see cref="BroadcastAsync"/> the same <see cref="ReleaseDocument"/> the product pushes, so the bytes on
/// the wire are the same.
/// </summary>
internal sealed class RawSignalRHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawSignalRHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<RawSignalRHost> StartAsync()
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<RawHub>(ConfigHubRoutes.Hub);
        await app.StartAsync();
        return new RawSignalRHost(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public static string Group(string env, string app, string ns) => $"{env}/{app}/{ns}";

    public Task BroadcastAsync(ReleaseDocument document, CancellationToken ct) =>
        _app.Services.GetRequiredService<IHubContext<RawHub>>().Clients.Group(Group(document.Environment, document.App, document.Namespace))
            .SendAsync(nameof(IConfigHubClient.ReleasePublished), document, ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The raw hub: the product hub's <c>Subscribe</c> signature, joining the namespace groups and nothing else.</summary>
internal sealed class RawHub : Hub
{
    public async Task<IReadOnlyList<ReleaseDocument>> Subscribe(string app, string env, IReadOnlyList<string> namespaces,
        IReadOnlyDictionary<string, long> knownRevisions, ClientInstanceInfo instance)
    {
        foreach (var ns in namespaces) await Groups.AddToGroupAsync(Context.ConnectionId, RawSignalRHost.Group(env, app, ns));
        return [];
    }
}

/// <summary>CPU time of the benchmark process, of subscriber processes and of etcd, snapshotted around a round.</summary>
internal readonly record struct CpuSample(TimeSpan Process, TimeSpan Subscribers, TimeSpan Etcd)
{
    public static CpuSample Now(SubscriberGroup? subscribers, EtcdCluster etcd) =>
        new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, subscribers?.Cpu ?? TimeSpan.Zero,
            etcd.Members.Aggregate(TimeSpan.Zero, (sum, m) => m.ProcessId is { } id ? sum + Bench.CpuOf(id) : sum));

    public static CpuSample operator -(CpuSample a, CpuSample b) => new(a.Process - b.Process, a.Subscribers - b.Subscribers, a.Etcd - b.Etcd);

    public static CpuSample operator +(CpuSample a, CpuSample b) => new(a.Process + b.Process, a.Subscribers + b.Subscribers, a.Etcd + b.Etcd);

    public string PerRound(int rounds) =>
        $"CPU per publish: benchmark process {Process.TotalMilliseconds / rounds:0.00} ms, subscribers {Subscribers.TotalMilliseconds / rounds:0.00} ms, etcd {Etcd.TotalMilliseconds / rounds:0.00} ms";
}

/// <summary>The benchmark process's memory, sampled in the background: the peak working set and managed heap seen.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakWorkingSet;
    private long _peakHeap;

    public MemorySampler()
    {
        Sample();
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Sample();
        });
    }

    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    public long PeakHeap => Interlocked.Read(ref _peakHeap);

    public static (long WorkingSet, long Heap) Current()
    {
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private void Sample()
    {
        var (workingSet, heap) = Current();
        if (workingSet > Interlocked.Read(ref _peakWorkingSet)) Interlocked.Exchange(ref _peakWorkingSet, workingSet);
        if (heap > Interlocked.Read(ref _peakHeap)) Interlocked.Exchange(ref _peakHeap, heap);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

/// <summary>Percentiles over receive latencies, and reading a release document back from etcd.</summary>
internal static class ScaleMath
{
    public static (double P50, double P99, double Max) Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return (BenchmarkReport.Percentile(sorted, 50), BenchmarkReport.Percentile(sorted, 99), sorted.Count == 0 ? double.NaN : sorted[^1]);
    }

    /// <summary>Every subscriber's latency in the measured rounds (after <paramref name="skip"/> warm-up rounds).</summary>
    public static List<double> Each(List<long[]> rounds, IReadOnlyList<long> starts, int skip)
    {
        var each = new List<double>();
        for (var r = 0; r < starts.Count; r++)
            each.AddRange(rounds[skip + r].Select(at => Stopwatch.GetElapsedTime(starts[r], at).TotalMilliseconds));
        return each;
    }

    public static async Task<byte[]> ReadAsync(EtcdCluster etcd, string key, CancellationToken ct)
    {
        var value = await etcd.GetAsync(key, ct) ?? throw new InvalidOperationException($"etcd holds no {key}");
        return System.Text.Encoding.UTF8.GetBytes(value);
    }

    public static ReleaseDocument Document(byte[] bytes) =>
        JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.ReleaseDocument) ?? throw new InvalidOperationException("not a release document");
}

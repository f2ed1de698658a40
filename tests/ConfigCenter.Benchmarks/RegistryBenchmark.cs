using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// 10,000 registered instances kept alive against one etcd member (<c>./build.sh bench registry</c>;
/// <c>REGISTRY_BENCH_QUICK=1</c> for 1,000). One lease per instance, as real services hold: each instance is its own
/// <see cref="EtcdLeaseKeeper"/> spread over a few <see cref="EtcdConnection"/>s (the keepers of a connection share its
/// one keep-alive stream). Every figure sits next to a raw gRPC baseline measured in the same run with the same
/// connections and concurrency; registration alternates raw and keeper chunks so both see the same load. As in the
/// product (<c>AddConfigCenterRegistration</c> grants its lease while Kestrel binds), a keeper is started and its lease
/// granted before the entry is put: the registration rate covers grant + put (the start-up path), the propagation
/// probe's clock starts at the put on the granted lease (the moment the server listens and the registration is due).
/// </summary>
internal sealed class RegistryBenchmark : IBenchmark
{
    private const string Env = "bench";
    private const int Connections = 8;
    private const int Workers = 64;
    private const int Services = 100;
    private const int Chunk = 500;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    public string Name => "registry";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        var quick = Environment.GetEnvironmentVariable("REGISTRY_BENCH_QUICK") is "1" or "true";
        var instances = Bench.Quick ? 500 : quick ? 1_000 : 10_000;
        var probes = Bench.Quick ? 20 : quick ? 100 : 300;
        var window = Bench.Quick ? TimeSpan.FromSeconds(2) : quick ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(30);
        var name = $"registry ({instances:N0})";
        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        var endpoint = etcd.Endpoints[0];
        var etcdPid = etcd[0].ProcessId ?? throw new InvalidOperationException("etcd is not running");
        Console.WriteLine($"etcd {endpoint} pid {etcdPid}; {instances:N0} instances over {Connections} connections, {Workers} concurrent registrations; load {File.ReadAllText("/proc/loadavg").Trim()}; server GC {System.Runtime.GCSettings.IsServerGC}, {System.Runtime.GCSettings.LatencyMode}");

        // --- raw: lease grant + put, then keep-alive of every lease over one stream per channel -------------------------
        var channels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(endpoint)).ToArray();
        try
        {
            // Raw leases for the keep-alive baseline (their registration is timed below, alternated with the keepers').
            var rawLeases = new long[instances];
            await RateAsync(0, instances, async i => rawLeases[i] = await RawRegisterAsync(channels[i % Connections], Key("/raw", i), Entry(i), ct), ct);
            var rawKeepAlive = await MeasureAsync(etcdPid, window, ct2 => RawKeepAliveAsync(channels, rawLeases, ct2), ct);
            Console.WriteLine($"raw keep-alive window done; load {Load()}");
            await RateAsync(0, instances, i => new Lease.LeaseClient(channels[i % Connections]).LeaseRevokeAsync(new LeaseRevokeRequest { ID = rawLeases[i] }, cancellationToken: ct).ResponseAsync, ct);

            // --- registration, alternated: a chunk of raw grant + put, then a chunk of keepers, and so on -----------------
            // Both sides see the same moment's load (other builds on the machine, the keepers registered so far keeping
            // their leases alive). Each raw chunk's leases are revoked after it was timed, outside the timing.
            var connections = Enumerable.Range(0, Connections).Select(_ => new EtcdConnection(new EtcdClientOptions { Endpoints = [endpoint] })).ToArray();
            var keepers = new EtcdLeaseKeeper[instances];
            try
            {
                var (rawSeconds, seconds) = (0.0, 0.0);
                var (rawCpu, cpu) = (default(Cpu), default(Cpu));
                for (var from = 0; from < instances; from += Chunk)
                {
                    var count = Math.Min(Chunk, instances - from);
                    var chunkLeases = new long[instances];
                    var before = Cpu.Now(etcdPid);
                    rawSeconds += count / await RateAsync(from, count, async i =>
                        chunkLeases[i] = await RawRegisterAsync(channels[i % Connections], Key("/raw-reg", i), Entry(i), ct), ct);
                    rawCpu += Cpu.Now(etcdPid) - before;
                    await RateAsync(from, count, i => new Lease.LeaseClient(channels[i % Connections]).LeaseRevokeAsync(new LeaseRevokeRequest { ID = chunkLeases[i] }, cancellationToken: ct).ResponseAsync, ct);

                    before = Cpu.Now(etcdPid);
                    seconds += count / await RateAsync(from, count, async i =>
                    {
                        // The product's start-up path: grant first (while the server binds), then one put on the lease.
                        var keeper = keepers[i] = new EtcdLeaseKeeper(connections[i % Connections], Ttl);
                        keeper.Start();
                        await keeper.WaitForLeaseAsync(ct);
                        await keeper.PutAsync(Key("/cc", i), Entry(i), ct);
                    }, ct);
                    cpu += Cpu.Now(etcdPid) - before;
                }
                var (rawRate, rate) = (instances / rawSeconds, instances / seconds);
                report.Add(name, "registration rate: EtcdLeaseKeeper grant (ahead) + put", rate, "instances/s",
                    string.Create(CultureInfo.InvariantCulture, $"raw grant + put {rawRate:0} /s (alternated in chunks of {Chunk}); ratio {rate / rawRate:0.00} (target ≥ 0.50)"));

                report.Add(name, "registration CPU per instance: etcd / registering process", cpu.Etcd.TotalMilliseconds / instances, "ms",
                    string.Create(CultureInfo.InvariantCulture, $"registering process {cpu.Self.TotalMilliseconds / instances:0.000} ms; raw: etcd {rawCpu.Etcd.TotalMilliseconds / instances:0.000} ms, process {rawCpu.Self.TotalMilliseconds / instances:0.000} ms"));

                Console.WriteLine($"alternated registration done; load {Load()}");
                var keepAlive = await MeasureAsync(etcdPid, window, _ => Task.CompletedTask, ct);
                Console.WriteLine($"keep-alive window done; load {Load()}");
                report.Add(name, "keep-alive: etcd CPU", keepAlive.EtcdCpuPerSecond * 1000, "ms/s",
                    string.Create(CultureInfo.InvariantCulture, $"raw keep-alive (one stream per channel): {rawKeepAlive.EtcdCpuPerSecond * 1000:0.0} ms/s; TTL {Ttl.TotalSeconds} s, every TTL/3"));
                report.Add(name, "keep-alive: registering process CPU", keepAlive.OwnCpuPerSecond * 1000, "ms/s",
                    string.Create(CultureInfo.InvariantCulture, $"raw: {rawKeepAlive.OwnCpuPerSecond * 1000:0.0} ms/s"));
                report.Add(name, "memory: etcd RSS", keepAlive.EtcdRssMiB, "MiB", string.Create(CultureInfo.InvariantCulture, $"after raw: {rawKeepAlive.EtcdRssMiB:0} MiB"));
                report.Add(name, "memory: registering process RSS / managed heap", keepAlive.OwnRssMiB, "MiB",
                    string.Create(CultureInfo.InvariantCulture, $"managed {keepAlive.OwnManagedMiB:0} MiB; raw: RSS {rawKeepAlive.OwnRssMiB:0} MiB, managed {rawKeepAlive.OwnManagedMiB:0} MiB"));

                await PropagationAsync(report, name, endpoint, channels[0], connections[0], instances, probes, ct);
            }
            finally
            {
                await Task.WhenAll(keepers.Where(k => k is not null).Select(k => k.DisposeAsync().AsTask()));
                foreach (var connection in connections) await connection.DisposeAsync();
            }
        }
        finally
        {
            foreach (var channel in channels) channel.Dispose();
        }
    }

    /// <summary>
    /// register (the put on a lease granted before the clock starts, as in the product) → visible in another connection's
    /// <see cref="EtcdRegistryCache"/>, next to raw put → raw watch and raw grant + put → raw watch in the same probe.
    /// </summary>
    private static async Task PropagationAsync(BenchmarkReport report, string name, string endpoint, GrpcChannel channel, EtcdConnection connection,
        int instances, int probes, CancellationToken ct)
    {
        await using var cacheConnection = new EtcdConnection(new EtcdClientOptions { Endpoints = [endpoint] });
        await using var cache = new EtcdRegistryCache(cacheConnection, "/cc", Env);
        var pending = new ConcurrentDictionary<string, (string Service, TaskCompletionSource<long> Seen)>(StringComparer.Ordinal);
        cache.Changed += (_, services) =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (id, probe) in pending)
            {
                if (services.Contains(probe.Service) && cache.GetInstances(probe.Service).Any(e => e.InstanceId == id)) probe.Seen.TrySetResult(now);
            }
        };
        cache.Start();
        await cache.WaitReadyAsync(ct);

        await using var watch = await EtcdWatchProbe.StartAsync(endpoint, "/raw-probe/");
        // A raw watch on the registry prefix too: when etcd delivered the registration's put to a plain watcher, so the
        // cache's own delivery and dispatch can be told apart from etcd's.
        await using var registryWatch = await EtcdWatchProbe.StartAsync(endpoint, EtcdKeys.RegistryPrefix("/cc", Env));
        var registered = new List<double>();
        var rawPut = new List<double>();
        var rawGrantPut = new List<double>();
        var samples = new List<ProbeSample>();
        var keepers = new List<EtcdLeaseKeeper>();
        // HttpClient's own activities time each gRPC call of the keeper: during a probe's registration they are the only
        // unary calls in flight (the other keepers only use their stream); a LeaseGrant inside the clock would show.
        using var calls = new CallTimes();
        try
        {
            for (var p = 0; p < probes; p++)
            {
                var i = instances + p;
                var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending[Id(i)] = (Service(i), seen);
                // As in the product: the lease is granted before the registration is due (while the server binds), so the
                // clock starts at the registration itself, one put on the granted lease.
                var keeper = new EtcdLeaseKeeper(connection, Ttl);
                keepers.Add(keeper);
                keeper.Start();
                await keeper.WaitForLeaseAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
                var before = ProbeState.Now();
                var start = Stopwatch.GetTimestamp();
                await keeper.PutAsync(Key("/cc", i), Entry(i), ct);
                var putDone = Stopwatch.GetTimestamp();
                var at = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                var after = ProbeState.Now();
                var total = Stopwatch.GetElapsedTime(start, at).TotalMilliseconds;
                registered.Add(total);
                pending.TryRemove(Id(i), out _);
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
                long etcdSeen;
                while (!registryWatch.TryGetLastPut(Key("/cc", i), out etcdSeen))
                {
                    if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"the raw registry watch never saw {Key("/cc", i)}");
                    await Task.Yield();
                }

                var put = await RawToWatchAsync(watch, $"/raw-probe/put/{p}", async key =>
                    await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = Entry(i) }, cancellationToken: ct), ct);
                rawPut.Add(put);
                rawGrantPut.Add(await RawToWatchAsync(watch, $"/raw-probe/lease/{p}", async key =>
                {
                    var grant = await new Lease.LeaseClient(channel).LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Ttl.TotalSeconds }, cancellationToken: ct);
                    await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = Entry(i), Lease = grant.ID }, cancellationToken: ct);
                }, ct));
                var (grantMs, txnMs) = calls.Between(start, putDone);
                samples.Add(new ProbeSample(p, total, Ms(start, putDone), grantMs, txnMs, Ms(putDone, etcdSeen), Ms(etcdSeen, at), put, before, after));
                await Task.Delay(10, ct);
            }
        }
        finally
        {
            await Task.WhenAll(keepers.Select(k => k.DisposeAsync().AsTask()));
        }
        PrintProbes(samples);

        registered.Sort();
        rawPut.Sort();
        rawGrantPut.Sort();
        string Note(List<double> raw, string what) => string.Create(CultureInfo.InvariantCulture,
            $"{what} p50 {BenchmarkReport.Percentile(raw, 50):0.00} / p99 {BenchmarkReport.Percentile(raw, 99):0.00} ms; p99 ratio {BenchmarkReport.Percentile(registered, 99) / BenchmarkReport.Percentile(raw, 99):0.00}");
        report.Add(name, $"propagation p50: register (put on a granted lease) → another connection's cache ({probes} probes, {instances:N0} kept alive)", BenchmarkReport.Percentile(registered, 50), "ms", "");
        report.Add(name, "propagation p99: register (put on a granted lease) → another connection's cache", BenchmarkReport.Percentile(registered, 99), "ms", Note(rawPut, "raw put → watch") + " (target ≤ 2)");
        report.Add(name, "propagation, raw grant + put → watch", BenchmarkReport.Percentile(rawGrantPut, 99), "ms p99", Note(rawGrantPut, "raw grant + put → watch"));
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Where each probe's time went: percentiles per step, and the slowest probes with the process state around them.</summary>
    private static void PrintProbes(List<ProbeSample> samples)
    {
        string Row(string what, Func<ProbeSample, double> f)
        {
            var v = samples.Select(f).Where(x => !double.IsNaN(x)).Order().ToList();
            if (v.Count == 0) return $"  {what,-44} (not observed)";
            return string.Create(CultureInfo.InvariantCulture,
                $"  {what,-44} p50 {BenchmarkReport.Percentile(v, 50),8:0.00}  p90 {BenchmarkReport.Percentile(v, 90),8:0.00}  p99 {BenchmarkReport.Percentile(v, 99),8:0.00}  max {v[^1],8:0.00} ms");
        }
        Console.WriteLine("probe steps (ms):");
        Console.WriteLine(Row("total: register → cache Changed", s => s.Total));
        Console.WriteLine(Row("keeper: PutAsync → returned", s => s.Put));
        Console.WriteLine(Row("  of which a LeaseGrant call (none expected)", s => s.GrantCall));
        Console.WriteLine(Row("  of which the Txn (put) call", s => s.TxnCall));
        Console.WriteLine(Row("raw watcher saw it, after PutAsync returned", s => s.ToEtcdWatch));
        Console.WriteLine(Row("raw watcher → cache Changed", s => s.ToCache));
        Console.WriteLine(Row("raw put → watch (same probe)", s => s.RawPut));
        Console.WriteLine("slowest probes: total | put (grant call, txn call) | →etcd watch | →cache | raw put→watch | pool pending before/after | threads | gen0/1/2 | GC pause ms");
        foreach (var s in samples.OrderByDescending(s => s.Total).Take(8))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  #{s.Index,3}: {s.Total,7:0.0} | {s.Put,7:0.0} ({s.GrantCall,6:0.0}, {s.TxnCall,6:0.0}) | {s.ToEtcdWatch,7:0.0} | {s.ToCache,7:0.0} | {s.RawPut,6:0.0} | {s.Before.Pending,5}/{s.After.Pending,-5} | {s.After.Threads,3} | {s.After.Gen0 - s.Before.Gen0}/{s.After.Gen1 - s.Before.Gen1}/{s.After.Gen2 - s.Before.Gen2} | {(s.After.Pause - s.Before.Pause).TotalMilliseconds,6:0.0} |"));
        }
        var first = samples[0].Before;
        var last = samples[^1].After;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"over all probes: gen0/1/2 {last.Gen0 - first.Gen0}/{last.Gen1 - first.Gen1}/{last.Gen2 - first.Gen2}, GC pause {(last.Pause - first.Pause).TotalMilliseconds:0.0} ms, pool threads {first.Threads}→{last.Threads}, max pending {samples.Max(s => Math.Max(s.Before.Pending, s.After.Pending))}; load {File.ReadAllText("/proc/loadavg").Trim()}"));
    }

    /// <summary>Start, end and path of every HTTP request this process makes (HttpClient's activities), while it is listening.</summary>
    private sealed class CallTimes : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<(string Path, long Start, long End)> _calls = new();

        public CallTimes()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "System.Net.Http",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var end = Stopwatch.GetTimestamp();
                    var path = activity.GetTagItem("url.full") as string ?? activity.DisplayName;
                    _calls.Enqueue((path, end - (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency), end));
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>The duration of the LeaseGrant and of the Txn calls that ended between two timestamps (NaN when none).</summary>
        public (double Grant, double Txn) Between(long from, long to)
        {
            double grant = double.NaN, txn = double.NaN;
            foreach (var (path, start, end) in _calls)
            {
                if (end < from || end > to) continue;
                if (path.Contains("LeaseGrant", StringComparison.Ordinal)) grant = Ms(start, end);
                else if (path.Contains("/Txn", StringComparison.Ordinal)) txn = Ms(start, end);
            }
            return (grant, txn);
        }

        public void Dispose() => _listener.Dispose();
    }

    private readonly record struct ProbeState(long Pending, int Threads, int Gen0, int Gen1, int Gen2, TimeSpan Pause)
    {
        public static ProbeState Now() => new(ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
    }

    private sealed record ProbeSample(int Index, double Total, double Put, double GrantCall, double TxnCall, double ToEtcdWatch, double ToCache, double RawPut,
        ProbeState Before, ProbeState After);

    private static async Task<double> RawToWatchAsync(EtcdWatchProbe watch, string key, Func<string, Task> write, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await write(key);
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        long at;
        while (!watch.TryGetLastPut(key, out at))
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"the raw watch never saw {key}");
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
        }
        return Stopwatch.GetElapsedTime(start, at).TotalMilliseconds;
    }

    private static async Task<long> RawRegisterAsync(GrpcChannel channel, string key, ByteString value, CancellationToken ct)
    {
        var grant = await new Lease.LeaseClient(channel).LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Ttl.TotalSeconds }, cancellationToken: ct);
        await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = value, Lease = grant.ID }, cancellationToken: ct);
        return grant.ID;
    }

    /// <summary>Runs <paramref name="work"/> for from..from+count-1 with <see cref="Workers"/> at a time; returns items per second.</summary>
    private static async Task<double> RateAsync(int from, int count, Func<int, Task> work, CancellationToken ct)
    {
        var next = from - 1;
        var end = from + count;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < end) await work(i);
        }, ct)));
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>CPU per second of etcd and of this process over <paramref name="window"/> while <paramref name="load"/> runs; RSS at the end.</summary>
    private static async Task<Cost> MeasureAsync(int etcdPid, TimeSpan window, Func<CancellationToken, Task> load, CancellationToken ct)
    {
        using var etcd = Process.GetProcessById(etcdPid);
        using var self = Process.GetCurrentProcess();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = load(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // let the first keep-alive round settle
        etcd.Refresh();
        self.Refresh();
        var (etcdBefore, selfBefore, start) = (etcd.TotalProcessorTime, self.TotalProcessorTime, Stopwatch.GetTimestamp());
        await Task.Delay(window, ct);
        etcd.Refresh();
        self.Refresh();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cost = new Cost((etcd.TotalProcessorTime - etcdBefore).TotalSeconds / seconds, (self.TotalProcessorTime - selfBefore).TotalSeconds / seconds,
            etcd.WorkingSet64 / 1048576.0, self.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0);
        await stop.CancelAsync();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return cost;
    }

    /// <summary>The least a client can do: one keep-alive stream per channel, every lease refreshed every TTL/3.</summary>
    private static async Task RawKeepAliveAsync(GrpcChannel[] channels, long[] leases, CancellationToken ct)
    {
        await Task.WhenAll(channels.Select((channel, c) => Task.Run(async () =>
        {
            using var call = new Lease.LeaseClient(channel).LeaseKeepAlive(cancellationToken: ct);
            var reader = Task.Run(async () => { while (await call.ResponseStream.MoveNext(ct)) { } }, ct);
            while (!ct.IsCancellationRequested)
            {
                for (var i = c; i < leases.Length; i += channels.Length) await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leases[i] }, ct);
                await Task.Delay(Ttl / 3, ct);
            }
            await reader;
        }, ct))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static string Service(int i) => $"svc-{i % Services:000}";

    private static string Id(int i) => $"i-{i:00000}";

    private static string Key(string prefix, int i) => EtcdKeys.Instance(prefix, Env, Service(i), Id(i));

    private static ByteString Entry(int i) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(new RegistryEntry
    {
        Service = Service(i),
        InstanceId = Id(i),
        Address = "10.0." + (i / 250 % 250) + "." + (i % 250),
        Port = 8080,
        Metadata = new Dictionary<string, string> { ["version"] = "1.4.2", ["zone"] = "a" },
        RegisteredAt = DateTimeOffset.UnixEpoch,
    }, ContractsJsonContext.Default.RegistryEntry));

    private readonly record struct Cpu(TimeSpan Etcd, TimeSpan Self)
    {
        public static Cpu Now(int etcdPid)
        {
            using var etcd = Process.GetProcessById(etcdPid);
            using var self = Process.GetCurrentProcess();
            return new Cpu(etcd.TotalProcessorTime, self.TotalProcessorTime);
        }

        public static Cpu operator -(Cpu a, Cpu b) => new(a.Etcd - b.Etcd, a.Self - b.Self);

        public static Cpu operator +(Cpu a, Cpu b) => new(a.Etcd + b.Etcd, a.Self + b.Self);
    }

    private sealed record Cost(double EtcdCpuPerSecond, double OwnCpuPerSecond, double EtcdRssMiB, double OwnRssMiB, double OwnManagedMiB);
}

using System.Diagnostics;
using System.Globalization;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Issue 12: publishes/s on PostgreSQL with two server replicas (the publishers split over both) next to SQLite with one
/// server, same etcd, same workload, same run. Each namespace holds one unpublished edit; 32 publishers publish them all.
/// Reported: accepted publishes/s (publish API answers) and delivered publishes/s (until a raw etcd watch saw every
/// release). PostgreSQL is the tests' fixture (<see cref="PostgresServer"/>: Debian package, loopback, fsync off).
/// </summary>
internal sealed class PostgresThroughputBenchmark : IBenchmark
{
    private const int Publishers = 32;
    private static readonly int Releases = Bench.Pick(1600, 64);
    private static readonly int WarmupReleases = Bench.Pick(320, 32);
    private const string App = "bench";
    private const string Env = "prod";

    public string Name => "postgres";

    /// <summary>
    /// Each store runs in a child process of its own (this program with <c>postgres-phase sqlite|postgres</c>), one after
    /// the other: EF Core's compiled queries bind to the first model a process uses, so one process cannot host a SQLite
    /// and a PostgreSQL server — nor does a deployment.
    /// </summary>
    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        var sqliteLoad = Bench.LoadAverage();
        var (sqliteAccepted, sqliteDelivered) = await RunPhaseProcessAsync("sqlite", ct);
        report.Add(Name, "SQLite, 1 server: publishes/s accepted", sqliteAccepted, "releases/s",
            $"{Publishers} publishers, {Releases} releases after {WarmupReleases} warm-up; load {sqliteLoad} → {Bench.LoadAverage()}");
        report.Add(Name, "SQLite, 1 server: publishes/s delivered to etcd", sqliteDelivered, "releases/s");
        var postgresLoad = Bench.LoadAverage();
        var (postgresAccepted, postgresDelivered) = await RunPhaseProcessAsync("postgres", ct);
        report.Add(Name, "PostgreSQL, 2 replicas: publishes/s accepted", postgresAccepted, "releases/s",
            $"publishers alternate replicas; load {postgresLoad} → {Bench.LoadAverage()}");
        report.Add(Name, "PostgreSQL, 2 replicas: publishes/s delivered to etcd", postgresDelivered, "releases/s",
            $"ratio to SQLite {postgresDelivered / sqliteDelivered:0.00} (accepted {postgresAccepted / sqliteAccepted:0.00})");
    }

    private static async Task<(double Accepted, double Delivered)> RunPhaseProcessAsync(string store, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("ConfigCenter.Benchmarks", StringComparison.Ordinal)) start.ArgumentList.Add(typeof(PostgresThroughputBenchmark).Assembly.Location);
        start.ArgumentList.Add("postgres-phase");
        start.ArgumentList.Add(store);
        if (Bench.Quick) start.ArgumentList.Add("--quick");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the postgres-phase process.");
        (double, double)? result = null;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    result = (double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
                }
                else Console.WriteLine(line);
            }
            await process.WaitForExitAsync(ct);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        if (process.ExitCode != 0 || result is null) throw new InvalidOperationException($"The {store} phase exited with {process.ExitCode} without a result.");
        return result.Value;
    }

    /// <summary>The child's side: one store, its own etcd (and PostgreSQL), prints <c>RESULT {accepted/s} {delivered/s}</c>.</summary>
    public static async Task<int> RunPhaseAsync(string store)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = cts.Token;
        await using var etcd = await EtcdCluster.StartAsync(1, ct);
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        (double Accepted, double Delivered) rates;
        if (store == "sqlite")
        {
            await using var sqlite = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: settings);
            using var admin = await sqlite.CreateAdminClientAsync();
            rates = await MeasureAsync([admin], etcd, sqlite.Prefix, store, ct);
        }
        else
        {
            await using var postgres = await PostgresServer.StartAsync();
            var database = await postgres.CreateDatabaseAsync();
            var prefix = EtcdClusterFixtureBase.NewPrefix();
            await using var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix, settings);
            await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix, settings);
            using var adminA = await a.CreateAdminClientAsync();
            using var adminB = await b.CreateAdminClientAsync();
            rates = await MeasureAsync([adminA, adminB], etcd, prefix, store, ct);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {rates.Accepted:0.###} {rates.Delivered:0.###}"));
        return 0;
    }

    /// <summary>Creates the namespaces with one edit each, warms up, then publishes them all; returns (accepted/s, delivered/s).</summary>
    private static async Task<(double Accepted, double Delivered)> MeasureAsync(HttpClient[] admins, EtcdCluster etcd, string prefix, string label, CancellationToken ct)
    {
        var api = new ConfigCenterApiClient(admins[0]);
        await api.CreateAppAsync(App);
        await using var probe = await EtcdWatchProbe.StartAsync(etcd.Endpoints[0], EtcdKeys.ConfigRoot(prefix));
        string Key(string ns) => EtcdKeys.Config(prefix, Env, App, ns);

        var warmup = Enumerable.Range(0, WarmupReleases).Select(n => $"w{n}").ToArray();
        var measured = Enumerable.Range(0, Releases).Select(n => $"m{n}").ToArray();
        await Parallel.ForEachAsync(warmup.Concat(measured), new ParallelOptions { MaxDegreeOfParallelism = Publishers, CancellationToken = ct }, async (ns, _) =>
        {
            using (var created = await admins[0].PostAsJsonAsync($"/api/v1/apps/{App}/namespaces", new { name = ns, format = "properties" }, ct)) created.EnsureSuccessStatusCode();
            await api.SetAsync(App, Env, ns, "Counter", ns);
        });

        Console.WriteLine($"PHASE postgres/{label}: warm-up {warmup.Length}, then {measured.Length} releases over {admins.Length} server(s)");
        await PublishAllAsync(admins, warmup, ct);
        await WaitFor.ConditionAsync(() => warmup.All(ns => probe.Reached(Key(ns), 1)), TimeSpan.FromSeconds(120), "every warm-up release reached etcd", ct);

        var begin = Stopwatch.GetTimestamp();
        await PublishAllAsync(admins, measured, ct);
        var accepted = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        await WaitFor.ConditionAsync(() => measured.All(ns => probe.Reached(Key(ns), 1)), TimeSpan.FromSeconds(120), "every measured release reached etcd", ct);
        var lastArrival = measured.Max(ns => probe.TryGetArrival(Key(ns), 1, out var at) ? at : 0);
        var delivered = Stopwatch.GetElapsedTime(begin, lastArrival).TotalSeconds;
        return (measured.Length / accepted, measured.Length / delivered);
    }

    /// <summary>Publisher <c>p</c> publishes every 32nd namespace through server <c>p mod servers</c>.</summary>
    private static Task PublishAllAsync(HttpClient[] admins, string[] namespaces, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, Publishers).Select(async p =>
        {
            var admin = admins[p % admins.Length];
            for (var i = p; i < namespaces.Length; i += Publishers)
            {
                using var response = await admin.PostAsJsonAsync($"/api/v1/apps/{App}/envs/{Env}/namespaces/{namespaces[i]}/releases", new { message = "bench" }, ct);
                response.EnsureSuccessStatusCode();
            }
        }));
}

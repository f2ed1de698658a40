using System.Diagnostics;
using System.Net.Http.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Publish throughput and latency from the publish API call until etcd holds the release (seen by a raw
/// etcd watch), with concurrent publishers on separate namespaces. Baseline in the same run: raw etcd
/// puts of the same document size at the same concurrency.
/// </summary>
internal sealed class PublishThroughputBenchmark : IBenchmark
{
    private const int Namespaces = 32;
    private const int PublishesPerNamespace = 40;

    public string Name => "publish";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var cluster = await EtcdCluster.StartAsync(1, ct);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        using var admin = await host.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = "bench", name = "bench" }, ct)).EnsureSuccessStatusCode();
        for (var n = 0; n < Namespaces; n++)
            (await admin.PostAsJsonAsync("/api/v1/apps/bench/namespaces", new { name = $"ns{n}", format = "properties" }, ct)).EnsureSuccessStatusCode();
        await using var probe = await EtcdWatchProbe.StartAsync(cluster.Endpoints[0], EtcdKeys.ConfigRoot(host.Prefix));

        // Warm-up: one publish per namespace, not measured.
        await Task.WhenAll(Enumerable.Range(0, Namespaces).Select(n => PublishAsync(admin, n, 0, ct)));

        // One publisher alone: what a single release costs end to end.
        var single = new List<double>();
        for (var i = 1; i <= 50; i++)
        {
            var start = await PublishAsync(admin, 0, 1000 + i, ct);
            var key = EtcdKeys.Config(host.Prefix, "prod", "bench", "ns0");
            long arrived = 0;
            await WaitFor.ConditionAsync(() => probe.TryGetArrival(key, i + 1, out arrived), TimeSpan.FromSeconds(10), "the release reached etcd");
            single.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
        }
        single.Sort();
        report.Add(Name, "one publisher: publish → etcd p50", BenchmarkReport.Percentile(single, 50), "ms", "50 sequential releases");

        var starts = new long[Namespaces, PublishesPerNamespace];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Namespaces).Select(async n =>
        {
            for (var i = 1; i <= PublishesPerNamespace; i++)
            {
                starts[n, i - 1] = await PublishAsync(admin, n, i, ct);
            }
        }));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var latencies = new List<double>();
        await WaitFor.ConditionAsync(() => Enumerable.Range(0, Namespaces).All(n =>
            probe.Reached(EtcdKeys.Config(host.Prefix, "prod", "bench", $"ns{n}"), PublishesPerNamespace + (n == 0 ? 51 : 1))), TimeSpan.FromSeconds(60), "every namespace's last release reached etcd");
        long last = 0;
        for (var n = 0; n < Namespaces; n++)
        {
            for (var i = 1; i <= PublishesPerNamespace; i++)
            {
                // ns0 already has 51 releases from the single-publisher phase.
                var offset = n == 0 ? 51 : 1;
                if (!probe.TryGetArrival(EtcdKeys.Config(host.Prefix, "prod", "bench", $"ns{n}"), i + offset, out var arrived)) continue;
                latencies.Add(Stopwatch.GetElapsedTime(starts[n, i - 1], arrived).TotalMilliseconds);
                last = Math.Max(last, arrived);
            }
        }
        latencies.Sort();
        var total = Namespaces * PublishesPerNamespace;
        var seconds = Stopwatch.GetElapsedTime(begin, last).TotalSeconds;
        var baseline = await RawPutThroughputAsync(cluster.Endpoints[0], host.Prefix, ct);
        report.Add(Name, "publishes/s (edit + publish API → in etcd)", total / seconds, "releases/s", $"{Namespaces} concurrent publishers, {total} releases, latency = until etcd holds that revision or a newer one");
        report.Add(Name, "CPU per release", cpu.TotalMilliseconds / total, "ms", "benchmark process: HTTP client + server + etcd watch probe");
        report.Add(Name, "publish → etcd p50", BenchmarkReport.Percentile(latencies, 50), "ms");
        report.Add(Name, "publish → etcd p99", BenchmarkReport.Percentile(latencies, 99), "ms");
        report.Add(Name, "baseline raw etcd puts/s", baseline, "puts/s", $"same concurrency; ratio {total / seconds / baseline:0.00}");
    }

    /// <summary>One publish: change a key, then publish. Returns the timestamp taken just before the publish call.</summary>
    private static async Task<long> PublishAsync(HttpClient admin, int ns, int i, CancellationToken ct)
    {
        var path = $"/api/v1/apps/bench/envs/prod/namespaces/ns{ns}";
        (await admin.PutAsJsonAsync($"{path}/items/Counter", new { value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct)).EnsureSuccessStatusCode();
        var start = Stopwatch.GetTimestamp();
        var response = await admin.PostAsJsonAsync($"{path}/releases", new { message = $"bench {i}" }, ct);
        response.EnsureSuccessStatusCode();
        return start;
    }

    private static async Task<double> RawPutThroughputAsync(string endpoint, string prefix, CancellationToken ct)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(endpoint);
        var kv = new KV.KVClient(channel);
        var payload = ByteString.CopyFromUtf8(new string('x', 400));
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Namespaces).Select(async n =>
        {
            for (var i = 0; i < PublishesPerNamespace; i++)
                await kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"{prefix}/raw/{n}"), Value = payload }, cancellationToken: ct);
        }));
        return Namespaces * PublishesPerNamespace / Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }
}

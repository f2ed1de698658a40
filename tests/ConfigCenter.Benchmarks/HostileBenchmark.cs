using System.Diagnostics;
using ConfigCenter.Testing;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// How long the server takes to refuse a hostile document (<c>PUT …/content</c> → 400), next to the same endpoint
/// accepting a small valid document and a raw Kestrel GET, measured in the same run. The target is an absolute one
/// from the security issue: refused within a second, nothing stored.
/// </summary>
internal sealed class HostileBenchmark : IBenchmark
{
    private static readonly int Rounds = Bench.Pick(20, 3);

    public string Name => "hostile";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        using var http = api.Http;
        await api.CreateAppAsync("hostile", ("settings", "json"), ("rules", "yaml"));
        await using var raw = await ReadEndpointBenchmark.StartRawKestrelAsync("{\"ok\":true}"u8.ToArray());
        using var rawClient = new HttpClient { BaseAddress = new Uri(raw.Urls.First()) };

        var cases = new (string Name, string Ns, string Content, int Status)[]
        {
            ("valid yaml, 3 keys", "rules", "a: 1\nb: {c: 2, d: 3}\n", 200),
            ("yaml nested 20,000 deep (100 KB)", "rules", HostileDocuments.DeepYaml(20_000), 400),
            ("yaml alias bomb (330 B, 9^9 leaves)", "rules", HostileDocuments.YamlAliasBomb(), 400),
            ("json nested 20,000 deep", "settings", HostileDocuments.DeepJson(20_000), 400),
        };
        // Warm-up: the JIT and the first parse of each path.
        for (var i = 0; i < 3; i++)
        {
            using var _ = await rawClient.GetAsync("/raw", ct);
            foreach (var c in cases) await PutAsync(api, c.Ns, c.Content, c.Status, ct);
        }

        var rawTimes = new List<double>();
        var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await rawClient.GetAsync("/raw", ct)) response.EnsureSuccessStatusCode();
            rawTimes.Add(clock.Elapsed.TotalMilliseconds);
            foreach (var c in cases) times[c.Name].Add(await PutAsync(api, c.Ns, c.Content, c.Status, ct));
        }

        rawTimes.Sort();
        report.Add(Name, "raw Kestrel GET p50", BenchmarkReport.Percentile(rawTimes, 50), "ms", $"{Rounds} sequential requests");
        foreach (var c in cases)
        {
            var sorted = times[c.Name].Order().ToList();
            var p50 = BenchmarkReport.Percentile(sorted, 50);
            var max = sorted[^1];
            report.Add(Name, $"PUT content: {c.Name} → {c.Status}", p50, "ms p50",
                $"max {max:0.0} ms over {Rounds}; target < 1000 ms for refusals");
        }
    }

    private static async Task<double> PutAsync(ConfigCenterApiClient api, string ns, string content, int status, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var response = await api.SetContentAsync("hostile", "dev", ns, content);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if ((int)response.StatusCode != status)
            throw new InvalidOperationException($"expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return elapsed;
    }
}

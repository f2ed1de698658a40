using System.Diagnostics;
using ConfigCenter.Testing;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Requests/s of the client read endpoint (<c>GET /api/v1/config/…</c> with an API key) against a raw
/// Kestrel endpoint returning the same bytes, measured in the same run with the same load loop.
/// </summary>
internal sealed class ReadEndpointBenchmark : IBenchmark
{
    private const int Concurrency = 32;
    private static readonly TimeSpan Duration = Bench.Pick(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
    private static readonly TimeSpan Warmup = Bench.Pick(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(1));

    public string Name => "read";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var admin = await host.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = "bench", name = "bench" }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/apps/bench/namespaces", new { name = "application", format = "properties" }, ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < 20; i++)
            (await admin.PutAsJsonAsync($"/api/v1/apps/bench/envs/prod/namespaces/application/items/Section:Key{i}", new { value = $"value-{i}-{new string('v', 20)}" }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/apps/bench/envs/prod/namespaces/application/releases", new { message = "bench" }, ct)).EnsureSuccessStatusCode();
        var keyResponse = await admin.PostAsJsonAsync("/api/v1/apps/bench/envs/prod/keys", new { name = "bench" }, ct);
        var key = (await keyResponse.Content.ReadFromJsonAsync<KeyBody>(ct))!.Key;

        using var configClient = new HttpClient { BaseAddress = host.BaseAddress };
        configClient.DefaultRequestHeaders.Add("X-Api-Key", key);
        var bytes = await configClient.GetByteArrayAsync("/api/v1/config/prod/bench/application", ct);

        await using var raw = await StartRawKestrelAsync(bytes);
        using var rawClient = new HttpClient { BaseAddress = new Uri(raw.Urls.First()) };

        // Warm both (the JIT optimizes for seconds on 2 cores), then alternate so neither always runs on a hotter
        // or colder machine.
        await LoadAsync(rawClient, "/raw", Warmup, ct);
        await LoadAsync(configClient, "/api/v1/config/prod/bench/application", Warmup, ct);
        var rawRates = new List<double>();
        var configRates = new List<double>();
        for (var round = 0; round < Bench.Pick(3, 1); round++)
        {
            rawRates.Add(await LoadAsync(rawClient, "/raw", Duration, ct));
            configRates.Add(await LoadAsync(configClient, "/api/v1/config/prod/bench/application", Duration, ct));
        }
        var rawRate = rawRates.Average();
        var configRate = configRates.Average();
        report.Add(Name, "raw Kestrel GET (same bytes)", rawRate, "req/s", $"{bytes.Length} B body, {Concurrency} concurrent loops, in-process client");
        report.Add(Name, "client read endpoint GET", configRate, "req/s", $"API key auth + scope check + ETag; ratio {configRate / rawRate:0.00} of raw");
    }

    private static async Task<double> LoadAsync(HttpClient client, string path, TimeSpan duration, CancellationToken ct)
    {
        long count = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                using var response = await client.GetAsync(path, ct);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(ct);
                Interlocked.Increment(ref count);
            }
        }));
        return count / Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }

    internal static async Task<WebApplication> StartRawKestrelAsync(byte[] body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Get()}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/raw", (HttpContext http) =>
        {
            http.Response.Headers.ETag = "\"1\"";
            return Results.Bytes(body, "application/json");
        });
        await app.StartAsync();
        return app;
    }

    private sealed record KeyBody(int Id, string Key);
}

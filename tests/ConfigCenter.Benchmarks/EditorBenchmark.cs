using System.Diagnostics;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Drafts;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// The admin editor with a 10,000-key properties namespace, in Chromium: time until the grid shows its first
/// rows (target ≤ 1 s) and time from typing a filter until only the matching rows show (target ≤ 200 ms). The
/// baseline is a raw static file navigation in the same browser against the same server.
/// </summary>
internal sealed class EditorBenchmark : IBenchmark
{
    private const int Keys = 10_000;
    private const int Runs = 10;

    public string Name => "editor";

    public async Task RunAsync(BenchmarkReport report, CancellationToken ct)
    {
        await using var server = await ConfigCenterServerHost.StartAsync();
        await SeedAsync(server, ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        var page = await context.NewPageAsync();
        await SignInAsync(page);

        // Warm-up: JIT, SQLite cache, browser cache for the framework scripts.
        await page.GotoAsync("/favicon.svg");
        await OpenEditorAsync(page);

        var baseline = new List<double>();
        var open = new List<double>();
        var filter = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var sw = Stopwatch.StartNew();
            await page.GotoAsync("/favicon.svg");
            baseline.Add(sw.Elapsed.TotalMilliseconds);

            open.Add(await OpenEditorAsync(page));

            var key = $"Service:Setting{run * 997 % Keys:00000}";
            sw.Restart();
            await page.FillAsync("input[data-testid=filter]", key);
            await page.WaitForFunctionAsync(
                "key => { const rows = document.querySelectorAll('[data-testid=row-key]'); return rows.length === 1 && rows[0].textContent === key; }",
                key, new PageWaitForFunctionOptions { PollingInterval = 5 });
            filter.Add(sw.Elapsed.TotalMilliseconds);
        }

        Report(report, "static file load (baseline)", baseline, "raw navigation to /favicon.svg");
        Report(report, $"editor open, {Keys} keys", open, "navigation until the grid shows its rows; target <= 1000 ms");
        Report(report, $"editor filter, {Keys} keys", filter, "typing a key until only it is shown; target <= 200 ms");
    }

    private static void Report(BenchmarkReport report, string metric, List<double> samples, string note)
    {
        samples.Sort();
        report.Add("editor", $"{metric} median", BenchmarkReport.Percentile(samples, 50), "ms", note);
        report.Add("editor", $"{metric} max", samples[^1], "ms", $"{samples.Count} runs");
    }

    private static async Task<double> OpenEditorAsync(IPage page)
    {
        var sw = Stopwatch.StartNew();
        await page.GotoAsync("/apps/bench/dev/big");
        await page.WaitForFunctionAsync(
            $"() => document.querySelectorAll('[data-testid=row-key]').length > 0 && document.querySelector('[data-testid=key-count]')?.textContent === '{Keys} keys'",
            null, new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = 30_000 });
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", ConfigCenterServerHost.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
    }

    // A published release of 10,000 keys, then a draft with 100 of them changed, so the markers have work to do.
    private static async Task SeedAsync(ConfigCenterServerHost server, CancellationToken ct)
    {
        var apps = server.Services.GetRequiredService<AppService>();
        var drafts = server.Services.GetRequiredService<DraftService>();
        var releases = server.Services.GetRequiredService<ReleaseService>();
        await apps.CreateAsync(new CreateAppRequest("bench", "Benchmark", null), "bench", ct);
        await apps.CreateNamespaceAsync("bench", new CreateNamespaceRequest("big", "properties"), "bench", ct);
        var items = Enumerable.Range(0, Keys).Select(i => new DraftItem($"Service:Setting{i:00000}", $"value-{i}", i % 10 == 0 ? "tuned" : "")).ToList();
        await drafts.ReplaceItemsAsync("bench", "dev", "big", items, null, "bench", ct);
        await releases.PublishAsync("bench", "dev", "big", "10k keys", "bench", ct);
        var changed = items.Select((item, i) => i % 100 == 0 ? item with { Value = "changed" } : item).ToList();
        await drafts.ReplaceItemsAsync("bench", "dev", "big", changed, null, "bench", ct);
    }
}

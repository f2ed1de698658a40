using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Metrics scraped from a real server's Prometheus endpoint, and the publish → relay → etcd trace.</summary>
public sealed partial class TelemetryTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    private const string ScrapeKey = "scrape-key-for-the-tests-0123456789";

    [Fact]
    public async Task Publish_ShowsInTheScrapedMetrics_WithTheOutboxGaugesAndRelayLatency()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Telemetry:Prometheus"] = "true",
            ["ConfigCenter:Telemetry:ScrapeKey"] = ScrapeKey,
        });
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var key = await api.CreateAppWithKeyAsync("metered", "dev", ("application", "properties"));
        using var scraper = host.CreateHttpClient();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey);
        var before = Sample(await scraper.GetStringAsync("/metrics"), "configcenter_server_publishes_total", "configcenter_app=\"metered\"") ?? 0;

        await api.PublishItemsAsync("metered", "dev", "application", ("Feature:On", "true"));
        await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, "dev", "metered", "application", 1);
        using (var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/config/dev/metered/application"))
        {
            read.Headers.Add("X-Api-Key", key);
            using var answer = await scraper.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The relay records its latency once etcd confirmed; the scrape after that shows all of it.
        var text = await WaitFor.ValueAsync(() => scraper.GetStringAsync("/metrics"),
            t => Sample(t, "configcenter_server_relay_latency_milliseconds_count", "") >= 1, TimeSpan.FromSeconds(10), "the relay latency is recorded");
        Assert.Equal(before + 1, Sample(text, "configcenter_server_publishes_total", "configcenter_app=\"metered\""));
        Assert.Equal(0, Sample(text, "configcenter_server_outbox_pending", ""));
        Assert.Equal(0, Sample(text, "configcenter_server_outbox_oldest_age_seconds", ""));
        Assert.Equal(1, Sample(text, "configcenter_server_reads_total", "http_response_status_code=\"200\""));
        Assert.True(Sample(text, "configcenter_server_releases_published", "") >= 1, text);
    }

    [Fact]
    public async Task ScrapeEndpoint_WithAKey_RefusesScrapersWithoutIt()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Telemetry:Prometheus"] = "true",
            ["ConfigCenter:Telemetry:ScrapeKey"] = ScrapeKey,
        });
        using var anonymous = host.CreateHttpClient();
        using var wrong = host.CreateHttpClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task ScrapeEndpoint_OnTheManagementPort_AnswersWithoutAKey_AndIsAbsentOnThePublicPort()
    {
        var management = FreePort.Get();
        await using var host = await ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Telemetry:Prometheus"] = "true",
            ["ConfigCenter:Telemetry:ManagementPort"] = management.ToString(CultureInfo.InvariantCulture),
        }, extraPorts: [management]);
        using var onManagementPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}") };
        using var onPublicPort = host.CreateHttpClient();

        var text = await onManagementPort.GetStringAsync("/metrics");
        Assert.Contains("configcenter_server_outbox_pending", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await onPublicPort.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Prometheus_WithoutAKeyOrAManagementPort_RefusesToStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Telemetry:Prometheus"] = "true",
        }));
        Assert.Contains("ConfigCenter:Telemetry:ScrapeKey", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_RelayAndEtcdWrite_AreOneTrace_WithTheReleaseAttributes()
    {
        var app = $"traced-{Guid.NewGuid():N}"[..20];
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ConfigCenter.Server",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync(app, ("database", "properties"));

        var revision = await api.PublishItemsAsync(app, "prod", "database", ("Pool:Size", "50"));

        var publish = await WaitFor.ValueAsync(() => Task.FromResult(stopped.FirstOrDefault(a => a.OperationName == "release.publish" && Tag(a, "configcenter.app") == app)),
            a => a is not null, TimeSpan.FromSeconds(10), "the publish span");
        var relay = await WaitFor.ValueAsync(() => Task.FromResult(stopped.FirstOrDefault(a => a.OperationName == "outbox.relay" && a.TraceId == publish!.TraceId)),
            a => a is not null, TimeSpan.FromSeconds(10), "the relay span in the publish's trace");
        var write = stopped.Where(a => a.OperationName == "etcd.txn" && a.TraceId == publish!.TraceId && Tag(a, "db.operation.name") == "write").ToList();

        foreach (var span in new[] { publish!, relay! })
        {
            Assert.Equal(app, Tag(span, "configcenter.app"));
            Assert.Equal("prod", Tag(span, "configcenter.environment"));
            Assert.Equal("database", Tag(span, "configcenter.namespace"));
            Assert.Equal(revision.ToString(CultureInfo.InvariantCulture), Tag(span, "configcenter.revision"));
        }
        Assert.Equal(publish!.SpanId, relay!.ParentSpanId);
        var etcdWrite = Assert.Single(write);
        Assert.Equal(relay.SpanId, etcdWrite.ParentSpanId);
        Assert.Equal("etcd", Tag(etcdWrite, "db.system.name"));
        Assert.Equal("True", Tag(etcdWrite, "configcenter.etcd.succeeded"));
    }

    private static string? Tag(Activity activity, string name) =>
        activity.TagObjects.FirstOrDefault(t => t.Key == name).Value is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The value of the first sample of <paramref name="metric"/> whose labels contain <paramref name="label"/>; null when none.</summary>
    private static double? Sample(string text, string metric, string label)
    {
        foreach (Match match in SampleLine().Matches(text))
        {
            if (match.Groups["name"].Value != metric || !match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)) continue;
            return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return null;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests;

/// <summary>A gateway with the Prometheus endpoint on: requests it forwards are counted in the scraped text.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewayTelemetryTests(GatewayFixture fixture)
{
    private const string ScrapeKey = "gateway-scrape-key-0123456789";

    [Fact]
    public async Task ForwardedRequests_AreCounted_InTheScrapedPrometheusText()
    {
        var temp = Directory.CreateTempSubdirectory("configcenter-gateway-telemetry-").FullName;
        try
        {
            await ForwardedRequestsAreCountedAsync(temp);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private async Task ForwardedRequestsAreCountedAsync(string temp)
    {
        await using var gateway = DotnetProcess.Start("src", "ConfigCenter.Gateway", FreePort.Get(), new Dictionary<string, string?>(fixture.Settings(GatewayFixture.GatewayApp))
        {
            ["ConfigCenter:Server:Url"] = fixture.Server.BaseAddress.ToString(),
            ["ConfigCenter:Server:ApiKey"] = fixture.GatewayKey,
            ["ConfigCenter:CacheDirectory"] = temp,
            ["ConfigCenter:Telemetry:Prometheus"] = "true",
            ["ConfigCenter:Telemetry:ScrapeKey"] = ScrapeKey,
        });
        const string Service = "svc-telemetry";
        await using var service = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, service.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "telemetry": { "Match": { "Path": "/telemetry-route/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/telemetry-route" } ] } } }
            """);
        await WaitFor.ConditionAsync(async () =>
        {
            Assert.False(gateway.HasExited, $"the gateway exited:{Environment.NewLine}{gateway.Output}");
            try
            {
                using var response = await fixture.Http.GetAsync(new Uri(gateway.BaseAddress, "/telemetry-route/whoami"));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the telemetry gateway routes to the service");

        using var scrape = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/metrics"));
        using (var anonymous = await fixture.Http.SendAsync(scrape)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var before = Requests(await ScrapeAsync(gateway), service.InstanceId);
        for (var i = 0; i < 5; i++)
        {
            using var response = await fixture.Http.GetAsync(new Uri(gateway.BaseAddress, "/telemetry-route/whoami"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The exporter caches a scrape for a moment (300 ms by default), so the next fresh one shows the five requests.
        var text = await WaitFor.ValueAsync(() => ScrapeAsync(gateway), t => Requests(t, service.InstanceId) >= before + 5,
            TimeSpan.FromSeconds(10), "a scrape shows the forwarded requests");
        Assert.Equal(before + 5, Requests(text, service.InstanceId));
        Assert.Contains("configcenter_gateway_request_duration_milliseconds_count", text, StringComparison.Ordinal);
        // The JSON totals per destination moved out of the way of the scrape path.
        using var destinations = await fixture.Http.GetAsync(new Uri(gateway.BaseAddress, "/metrics/destinations"));
        Assert.Contains(service.InstanceId, await destinations.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync(DotnetProcess gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey);
        using var response = await fixture.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>Forwarded requests to <paramref name="destination"/> answered 200, summed over routes.</summary>
    private static double Requests(string text, string destination) => SampleLine().Matches(text)
        .Where(m => m.Groups["name"].Value == "configcenter_gateway_requests_total"
                    && m.Groups["labels"].Value.Contains($"destination=\"{destination}\"", StringComparison.Ordinal)
                    && m.Groups["labels"].Value.Contains("status=\"200\"", StringComparison.Ordinal))
        .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}

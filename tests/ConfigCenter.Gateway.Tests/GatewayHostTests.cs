using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests;

/// <summary>The gateway as a service: registered, health, metrics, request size limits.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayHostTests(GatewayFixture fixture)
{
    [Fact]
    public async Task TheGateway_RegistersItself_AndServesHealthAndPerDestinationMetrics()
    {
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await fixture.Api.Http.GetAsync($"/api/v1/registry/{GatewayFixture.Env}/services/{GatewayFixture.GatewayApp}");
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains($"\"port\":{fixture.Gateway.Port}", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "the gateway is registered with its port");
        using (var live = await fixture.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await fixture.GetAsync("/health/ready")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        const string Service = "svc-metrics";
        await using var service = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, service.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "metrics": { "Match": { "Path": "/metrics-route/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/metrics-route" } ] } } }
            """);
        await fixture.WaitRoutedAsync(Service, "/metrics-route/whoami", service.InstanceId);
        var before = (await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(fixture.Gateway.BaseAddress, "/metrics"))).GetProperty(service.InstanceId).GetProperty("requests").GetInt64();
        for (var i = 0; i < 5; i++) await fixture.WhoAnsweredAsync("/metrics-route/whoami");

        var metrics = await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(fixture.Gateway.BaseAddress, "/metrics"));
        var destination = metrics.GetProperty(service.InstanceId);
        Assert.Equal(before + 5, destination.GetProperty("requests").GetInt64());
        Assert.Equal(0, destination.GetProperty("failures").GetInt64());
        Assert.True(destination.GetProperty("meanMilliseconds").GetDouble() > 0);
    }

    [Fact]
    public async Task ARouteWithABodyLimit_RefusesALargerBody_With413()
    {
        const string Service = "svc-limits";
        await using var service = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, service.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "small": { "Match": { "Path": "/small/{**rest}" }, "Service": "{{Service}}", "MaxRequestBodySize": 100,
                                     "Transforms": [ { "PathRemovePrefix": "/small" } ] } } }
            """);
        await fixture.WaitRoutedAsync(Service, "/small/whoami", service.InstanceId);
        var before = service.Requests;

        using var largeBody = new ByteArrayContent(new byte[1000]);
        using var smallBody = new ByteArrayContent(new byte[10]);
        using var large = await fixture.Http.PostAsync(new Uri(fixture.Gateway.BaseAddress, "/small/whoami"), largeBody);
        using var small = await fixture.Http.PostAsync(new Uri(fixture.Gateway.BaseAddress, "/small/whoami"), smallBody);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        // The small one reaches the service (which has no POST /whoami).
        Assert.Equal(HttpStatusCode.MethodNotAllowed, small.StatusCode);
        Assert.Equal(before + 1, service.Requests);
    }
}

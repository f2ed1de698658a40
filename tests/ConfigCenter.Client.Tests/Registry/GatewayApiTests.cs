using System.Net;
using System.Text.Json;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>
/// <c>GET /api/v1/gateway/{env}/routes</c> on a real server over a real etcd: the routes of a published routes
/// namespace with the instances registered by real hosts, following the registry.
/// </summary>
public sealed class GatewayApiTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    [Fact]
    public async Task GatewayRoutes_ListThePublishedRoutes_WithTheRegisteredInstancesOfEachService()
    {
        var gateway = ServerFixtureBase.NewApp("edge");
        var service = ServerFixtureBase.NewApp("orders");
        var settings = new RegistrySettings(fixture.Etcd!.Endpoints, fixture.Server.Prefix, "dev", service);
        await using var first = await RegisteredService.StartAsync(settings, o => { o.Zone = "eu-1"; o.Weight = 30; o.Version = "1.0.0"; });
        await using var second = await RegisteredService.StartAsync(settings, o => { o.Zone = "eu-2"; o.Version = "2.0.0"; });
        await fixture.Api.CreateAppAsync(gateway, ("routes", "json"));
        // An app of that name makes the legacy service known to a publish-time routes check, with no instance registered.
        await fixture.Api.CreateAppAsync($"{service}-legacy", ("application", "properties"));
        await fixture.Api.SetDocumentAsync(gateway, "dev", "routes", $$"""
            {
              "Routes": {
                "orders": {
                  "Match": { "Path": "/orders/{**rest}", "Methods": [ "GET", "POST" ] },
                  "Service": "{{service}}",
                  "Authorization": "apikey",
                  "RateLimitPolicy": "standard",
                  "Timeout": "00:00:05",
                  "Canary": { "Version": "2.0.0", "Header": "X-Canary" }
                },
                "legacy": { "Match": { "Path": "/legacy/{**rest}" }, "Service": "{{service}}-legacy" }
              },
              "RateLimits": { "standard": { "PermitLimit": 50, "Window": "00:00:01" } }
            }
            """);
        var revision = await fixture.Api.PublishAsync(gateway, "dev", "routes");

        var body = await WaitFor.ValueAsync(() => fixture.Api.GetJsonAsync($"/api/v1/gateway/dev/routes?app={gateway}"),
            b => Route(b, "orders").GetProperty("destinations").GetArrayLength() == 2, TimeSpan.FromSeconds(10), "both instances under the route");

        Assert.Equal(gateway, body.GetProperty("app").GetString());
        Assert.Equal(revision, body.GetProperty("revision").GetInt64());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        var orders = Route(body, "orders");
        Assert.Equal("GET,POST /orders/{**rest}", orders.GetProperty("match").GetString());
        Assert.Equal(service, orders.GetProperty("service").GetString());
        Assert.Equal("apikey", orders.GetProperty("authorization").GetString());
        Assert.Equal("standard: 50 per 00:00:01 per route", orders.GetProperty("rateLimit").GetString());
        Assert.Equal("00:00:05", orders.GetProperty("timeout").GetString());
        Assert.Equal("version 2.0.0 · header X-Canary", orders.GetProperty("canary").GetString());
        Assert.False(orders.GetProperty("noPassingInstance").GetBoolean());
        var destinations = orders.GetProperty("destinations").EnumerateArray().ToDictionary(d => d.GetProperty("instanceId").GetString()!);
        var a = destinations[first.InstanceId];
        Assert.EndsWith($":{first.Port}", a.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.Equal("passing", a.GetProperty("health").GetString());
        Assert.Equal(30, a.GetProperty("weight").GetInt32());
        Assert.Equal("eu-1", a.GetProperty("zone").GetString());
        Assert.Equal("1.0.0", a.GetProperty("version").GetString());
        Assert.False(a.GetProperty("draining").GetBoolean());
        var b = destinations[second.InstanceId];
        Assert.Equal(100, b.GetProperty("weight").GetInt32());
        Assert.Equal("eu-2", b.GetProperty("zone").GetString());
        // Nothing registered the legacy service: flagged.
        var legacy = Route(body, "legacy");
        Assert.Equal(0, legacy.GetProperty("destinations").GetArrayLength());
        Assert.True(legacy.GetProperty("noPassingInstance").GetBoolean());

        // One instance unhealthy, the other stopped: the route has no passing instance left.
        first.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;
        await second.StopAsync();
        await WaitFor.ValueAsync(() => fixture.Api.GetJsonAsync($"/api/v1/gateway/dev/routes?app={gateway}"),
            b => Route(b, "orders") is var o && o.GetProperty("noPassingInstance").GetBoolean() && o.GetProperty("destinations").GetArrayLength() == 1,
            TimeSpan.FromSeconds(15), "the route flagged with only the critical instance left");
    }

    [Fact]
    public async Task GatewayRoutes_RefuseBadInput_AndRequireAManagementUser()
    {
        var badEnv = await fixture.Api.Http.GetAsync(new Uri("/api/v1/gateway/Bad_Env/routes?app=x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badEnv.StatusCode);
        Assert.True(JsonDocument.Parse(await badEnv.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("env", out _));

        var badApp = await fixture.Api.Http.GetAsync(new Uri("/api/v1/gateway/dev/routes?app=Not%20An%20App", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badApp.StatusCode);
        Assert.True(JsonDocument.Parse(await badApp.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("app", out _));

        var unknown = await fixture.Api.Http.GetAsync(new Uri($"/api/v1/gateway/dev/routes?app={ServerFixtureBase.NewApp("none")}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = fixture.Api.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/gateway/dev/routes", UriKind.Relative))).StatusCode);
    }

    private static JsonElement Route(JsonElement body, string id) =>
        body.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
}

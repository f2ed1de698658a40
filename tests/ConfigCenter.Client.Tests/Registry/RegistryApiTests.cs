using System.Net;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>The server's registry endpoints list what services registered in etcd, from its own watch.</summary>
public sealed class RegistryApiTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    [Fact]
    public async Task RegistryEndpoints_ListRegisteredServices_WithInstanceAndHealthyCounts_AndTheirProtectionState()
    {
        var env = $"reg-{Guid.NewGuid().ToString("N")[..8]}";
        var user = new RegistrySettings(fixture.Etcd!.Endpoints, fixture.Server.Prefix, env);
        var order = user with { App = "order" };
        Assert.Equal(0, (await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services")).GetArrayLength());

        await using var user1 = await RegisteredService.StartAsync(user, o => o.ProtectionThreshold = 0.6);
        await using var user2 = await RegisteredService.StartAsync(user, o => o.ProtectionThreshold = 0.6);
        await using var order1 = await RegisteredService.StartAsync(order, o => o.Zone = "eu-1");
        user2.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;

        var services = await WaitFor.ValueAsync(() => fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services"),
            s => s.GetRawText() == """[{"name":"order","instances":1,"healthy":1,"discoverable":1,"healthyShare":1,"protectionThreshold":0,"protectionActive":false},"""
                + """{"name":"user","instances":2,"healthy":1,"discoverable":2,"healthyShare":0.5,"protectionThreshold":0.6,"protectionActive":true}]""",
            TimeSpan.FromSeconds(5), "both services with their counts and protection state");

        var userService = await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services/user");
        Assert.Equal(("user", 2, 1, 0.5, 0.6, true), (userService.GetProperty("name").GetString(), userService.GetProperty("discoverable").GetInt32(),
            userService.GetProperty("passing").GetInt32(), userService.GetProperty("healthyShare").GetDouble(), userService.GetProperty("protectionThreshold").GetDouble(),
            userService.GetProperty("protectionActive").GetBoolean()));
        Assert.All(userService.GetProperty("instances").EnumerateArray(), i => Assert.Equal(0.6, i.GetProperty("protectionThreshold").GetDouble()));
        user2.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        await WaitFor.ConditionAsync(async () => !(await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services/user")).GetProperty("protectionActive").GetBoolean(),
            TimeSpan.FromSeconds(5), "protection to end once both pass");

        var instances = await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services/order");
        Assert.False(instances.GetProperty("protectionActive").GetBoolean());
        var instance = Assert.Single(instances.GetProperty("instances").EnumerateArray());
        Assert.Equal(order1.InstanceId, instance.GetProperty("instanceId").GetString());
        Assert.Equal(order1.Port, instance.GetProperty("port").GetInt32());
        Assert.Equal("eu-1", instance.GetProperty("metadata").GetProperty("zone").GetString());

        await order1.StopAsync();
        await WaitFor.ConditionAsync(async () => (await fixture.Api.Http.GetAsync(new Uri($"/api/v1/registry/{env}/services/order", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(1), "the stopped service gone from the API");
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Api.Http.GetAsync(new Uri("/api/v1/registry/Bad_Env/services", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task StartedInstance_IsInTheApiWithinOneSecond_AndGoneWithinOneSecondOfAGracefulStop()
    {
        var env = $"reg-{Guid.NewGuid().ToString("N")[..8]}";
        var settings = new RegistrySettings(fixture.Etcd!.Endpoints, fixture.Server.Prefix, env);
        // The server follows an environment from its first request on.
        Assert.Equal(0, (await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services")).GetArrayLength());

        await using var service = await RegisteredService.StartAsync(settings);

        var listed = await WaitFor.ValueAsync(() => fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services"),
            s => s.GetArrayLength() == 1, TimeSpan.FromSeconds(1), "the started instance in the API within 1 s");
        Assert.Equal(1, listed[0].GetProperty("instances").GetInt32());
        await service.StopAsync();
        await WaitFor.ConditionAsync(async () => (await fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services")).GetArrayLength() == 0,
            TimeSpan.FromSeconds(1), "the stopped instance gone from the API within 1 s");
    }

    [Fact]
    public async Task RegistryEndpoints_RequireAManagementUser()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Api.Http.BaseAddress };

        var response = await anonymous.GetAsync(new Uri("/api/v1/registry/dev/services", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

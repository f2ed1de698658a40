using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests;

/// <summary>
/// <c>Gateway:ActiveHealthChecks</c> turns on YARP's active probes of every destination: an instance whose health
/// endpoint fails is taken out by the gateway while its lease lives and the registry still says passing, and comes
/// back once its endpoint is healthy again.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ActiveHealthTests(GatewayFixture fixture)
{
    private const string Service = "svc-probed";

    [Fact]
    public async Task AnInstanceFailingItsHealthProbe_IsTakenOut_WhileTheRegistrySaysPassing_AndComesBackWhenHealthy()
    {
        await using var a = await TestService.StartAsync(fixture, Service);
        await using var b = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, a.InstanceId);
        await fixture.WaitRegisteredAsync(Service, b.InstanceId);
        string[] both = [.. new[] { a.InstanceId, b.InstanceId }.Order(StringComparer.Ordinal)];
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "probed": { "Match": { "Path": "/probed/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/probed" } ] } } }
            """);
        // A gateway of its own with probes on (the fixture's runs without, as by default).
        await using var gateway = await fixture.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:ActiveHealthChecks:Enabled"] = "true",
            ["Gateway:ActiveHealthChecks:Path"] = "/health",
            ["Gateway:ActiveHealthChecks:Interval"] = "00:00:00.500",
            ["Gateway:ActiveHealthChecks:Timeout"] = "00:00:01",
        });
        await WaitForHealthAsync(gateway, new() { [a.InstanceId] = "Healthy", [b.InstanceId] = "Healthy" }, "both instances probed healthy");
        Assert.Equal(both, await AnsweredAsync(gateway, 10));

        a.HealthFailing = true;
        await WaitForHealthAsync(gateway, new() { [a.InstanceId] = "Unhealthy", [b.InstanceId] = "Healthy" }, "A probed unhealthy");

        // The registry knows nothing of it: A's lease lives and its registered health is passing.
        var registered = await fixture.Api.GetJsonAsync($"/api/v1/registry/{GatewayFixture.Env}/services/{Service}");
        var entryA = registered.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == a.InstanceId);
        Assert.Equal("passing", entryA.GetProperty("health").GetString());
        // The fixture's gateway (no probes) still routes to A; the probing one sends everything to B.
        Assert.Contains(a.InstanceId, await fixture.DestinationsAsync(Service));
        var whoAmIOfA = a.WhoAmIRequests;
        Assert.Equal([b.InstanceId], await AnsweredAsync(gateway, 10));
        // Only probes reached A meanwhile, no routed request.
        Assert.Equal(whoAmIOfA, a.WhoAmIRequests);

        a.HealthFailing = false;
        await WaitForHealthAsync(gateway, new() { [a.InstanceId] = "Healthy", [b.InstanceId] = "Healthy" }, "A probed healthy again");
        Assert.Equal(both, await AnsweredAsync(gateway, 10));
    }

    private Task WaitForHealthAsync(DotnetProcess gateway, Dictionary<string, string> expected, string what) =>
        WaitFor.ConditionAsync(async () =>
        {
            var health = await fixture.DestinationHealthAsync(Service, gateway);
            return health.Count == expected.Count && expected.All(e => health.GetValueOrDefault(e.Key) == e.Value);
        }, TimeSpan.FromSeconds(15), what);

    /// <summary>The distinct instances that answered <paramref name="count"/> GETs through <paramref name="gateway"/>.</summary>
    private async Task<SortedSet<string>> AnsweredAsync(DotnetProcess gateway, int count)
    {
        var answered = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            using var response = await fixture.Http.GetAsync(new Uri(gateway.BaseAddress, "/probed/whoami"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            answered.Add(JsonDocument.Parse(body).RootElement.GetProperty("instanceId").GetString()!);
        }
        return answered;
    }
}

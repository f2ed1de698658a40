using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Gateway.Tests;

/// <summary>Canary shares and rules by registry version, and draining, through the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CanaryAndDrainTests(GatewayFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ATenPercentCanary_GetsFiveToFifteenPercent_AndTheHeaderRuleSendsEverything()
    {
        const string Service = "svc-canary";
        await using var stable = await TestService.StartAsync(fixture, Service, version: "1.0");
        await using var canary = await TestService.StartAsync(fixture, Service, version: "2.0");
        await fixture.WaitRegisteredAsync(Service, canary.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "canary": { "Match": { "Path": "/canary/{**rest}" }, "Service": "{{Service}}",
                "Transforms": [ { "PathRemovePrefix": "/canary" } ],
                "Canary": { "Version": "2.0", "Percent": 10, "Header": "X-Canary", "HeaderPattern": "^(1|true)$" } } } }
            """);
        await fixture.WaitRoutedAsync(Service, "/canary/whoami", stable.InstanceId, canary.InstanceId);

        const int Total = 2000;
        var answers = new List<string>();
        var gate = new Lock();
        await Parallel.ForAsync(0, Total, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var id = await fixture.WhoAnsweredAsync("/canary/whoami");
            lock (gate) answers.Add(id);
        });
        var share = answers.Count(id => id == canary.InstanceId) / (double)Total;
        output.WriteLine($"canary share {share:P1} of {Total}");
        Assert.Equal(Total, answers.Count(id => id == canary.InstanceId || id == stable.InstanceId));
        Assert.InRange(share, 0.05, 0.15);

        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Gateway.BaseAddress, "/canary/whoami"));
            request.Headers.Add("X-Canary", "true");
            Assert.Equal(canary.InstanceId, await fixture.WhoAnsweredAsync("/canary/whoami", request));
        }
    }

    [Fact]
    public async Task ADrainedInstance_GetsNoNewRequests_AndItsInFlightRequestCompletes()
    {
        const string Service = "svc-drain";
        await using var a = await TestService.StartAsync(fixture, Service);
        await using var b = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, b.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            { "Routes": { "drain": { "Match": { "Path": "/drain/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/drain" } ] } } }
            """);
        await fixture.WaitRoutedAsync(Service, "/drain/whoami", a.InstanceId, b.InstanceId);

        // Round robin puts one of two slow requests on each instance; they wait until released.
        var slow = new[] { fixture.GetAsync("/drain/slow"), fixture.GetAsync("/drain/slow") };
        await WaitFor.ConditionAsync(() => b.SlowStarted == 1 && a.SlowStarted == 1, TimeSpan.FromSeconds(10), "a slow request is in flight on each instance");

        using (var drained = await fixture.Api.Http.PostAsync($"/api/v1/registry/{GatewayFixture.Env}/services/{Service}/{b.InstanceId}/drain", null))
        {
            Assert.True(drained.IsSuccessStatusCode, await drained.Content.ReadAsStringAsync());
        }
        await WaitFor.ConditionAsync(async () => (await fixture.DestinationsAsync(Service)).SetEquals([a.InstanceId]), TimeSpan.FromSeconds(5), "the drained instance leaves the destinations");
        var bBefore = b.Requests;
        for (var i = 0; i < 20; i++) Assert.Equal(a.InstanceId, await fixture.WhoAnsweredAsync("/drain/whoami"));
        Assert.Equal(bBefore, b.Requests);

        a.ReleaseSlow();
        b.ReleaseSlow();
        var finished = await Task.WhenAll(slow);
        var answeredBy = new List<string>();
        foreach (var response in finished)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answeredBy.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!);
            }
        }
        Assert.Contains(b.InstanceId, answeredBy);
    }
}

using ConfigCenter.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ConfigCenter.Gateway.Tests;

/// <summary>Weight and zone from the registry drive the gateway's load balancing (real gateway, registered instances).</summary>
[Collection(GatewayCollection.Name)]
public sealed class LoadBalancingTests(GatewayFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Weights_SplitTheTraffic_AndTheGatewaysOwnZoneIsPreferred_UntilItHasNoInstanceLeft()
    {
        const string Service = "svc-weights";
        await using var remote = await TestService.StartAsync(fixture, Service, weight: 100, zone: "us-2");
        var heavy = await TestService.StartAsync(fixture, Service, weight: 300, zone: GatewayFixture.GatewayZone);
        var light = await TestService.StartAsync(fixture, Service, weight: 100, zone: GatewayFixture.GatewayZone);
        try
        {
            await fixture.WaitRegisteredAsync(Service, remote.InstanceId);
            await fixture.WaitRegisteredAsync(Service, heavy.InstanceId);
            await fixture.WaitRegisteredAsync(Service, light.InstanceId);
            await fixture.PublishRoutesAsync($$"""
                { "Routes": { "weights": { "Match": { "Path": "/weights/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/weights" } ] } } }
                """);
            await fixture.WaitRoutedAsync(Service, "/weights/whoami", remote.InstanceId, heavy.InstanceId, light.InstanceId);

            var answers = new List<string>();
            for (var i = 0; i < 400; i++) answers.Add(await fixture.WhoAnsweredAsync("/weights/whoami"));
            var counts = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
            // Smooth weighted round robin over the two instances of the gateway's zone: 3:1, the other zone gets nothing.
            Assert.InRange(counts.GetValueOrDefault(heavy.InstanceId), 290, 310);
            Assert.InRange(counts.GetValueOrDefault(light.InstanceId), 90, 110);
            Assert.Equal(0, counts.GetValueOrDefault(remote.InstanceId));
        }
        finally
        {
            await heavy.DisposeAsync();
            await light.DisposeAsync();
        }

        // No instance left in the gateway's zone: the other zone serves.
        await fixture.WaitRoutedAsync(Service, "/weights/whoami", remote.InstanceId);
        for (var i = 0; i < 20; i++) Assert.Equal(remote.InstanceId, await fixture.WhoAnsweredAsync("/weights/whoami"));
    }
}

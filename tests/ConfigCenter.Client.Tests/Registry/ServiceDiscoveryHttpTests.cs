using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>Microsoft.Extensions.ServiceDiscovery resolving http://{service} through the registry to real Kestrel hosts.</summary>
public sealed class ServiceDiscoveryHttpTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task HttpClientByServiceName_ReachesRegisteredInstances_AndMovesToTheOtherWhenOneStops()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix());
        await using var a = await RegisteredService.StartAsync(settings);
        await using var b = await RegisteredService.StartAsync(settings);
        await using var caller = settings.Discovery(more: services =>
        {
            services.AddServiceDiscovery().AddConfigCenterServiceEndpoints();
            services.AddHttpClient("user", c => c.BaseAddress = new Uri("http://user")).AddServiceDiscovery();
        });
        var registry = caller.GetRequiredService<IServiceRegistry>();
        using var http = caller.GetRequiredService<IHttpClientFactory>().CreateClient("user");
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 2, TimeSpan.FromSeconds(5), "both registered");

        var answered = new HashSet<string>();
        for (var i = 0; i < 6; i++) answered.Add(await http.GetStringAsync(new Uri("/who", UriKind.Relative)));
        Assert.Equal(new[] { a.InstanceId, b.InstanceId }.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));

        await a.StopAsync();
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(1), "the stopped one gone");

        // After the change reached this process no request may fail or go to the stopped instance.
        for (var i = 0; i < 6; i++) Assert.Equal(b.InstanceId, await http.GetStringAsync(new Uri("/who", UriKind.Relative)));
    }

    [Fact]
    public async Task HttpsOnlyQuery_SkipsPlainHttpInstances()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix());
        await using var plain = await RegisteredService.StartAsync(settings);
        await using var caller = settings.Discovery(more: services => services.AddServiceDiscovery().AddConfigCenterServiceEndpoints());
        var resolver = caller.GetRequiredService<Microsoft.Extensions.ServiceDiscovery.ServiceEndpointResolver>();
        await WaitFor.ConditionAsync(async () => (await caller.GetRequiredService<IServiceRegistry>().GetInstancesAsync("user", CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(5), "registered");

        var http = await resolver.GetEndpointsAsync("http://user", CancellationToken.None);
        var https = await resolver.GetEndpointsAsync("https://user", CancellationToken.None);

        Assert.Equal($"http://127.0.0.1:{plain.Port}/", Assert.Single(http.Endpoints).EndPoint.ToString());
        // Nothing registered speaks https: only the library's pass-through (the name itself) is left.
        Assert.DoesNotContain(https.Endpoints, e => e.EndPoint.ToString()!.Contains("127.0.0.1", StringComparison.Ordinal));
    }
}

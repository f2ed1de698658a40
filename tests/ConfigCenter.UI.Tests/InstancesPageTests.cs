using Bunit;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Instances;
using ConfigCenter.Server.Features.Instances.Pages;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.UI.Tests;

/// <summary>The instances page of a namespace, fed by a real server (real etcd registry, real SQLite store).</summary>
public sealed class InstancesPageTests(EtcdClusterFixture etcd) : UiTestContext, IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task EntryWithoutPid_AgainstNothingPublished_ShowsNoPidAndIsNotBehind_ThenUpToDateOncePublished()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        // A registration written without pid or client version (as any service's own registration is), applied r1.
        await etcd.Cluster.PutAsync($"{host.Prefix}/registry/dev/user/u1",
            """{"service":"user","instanceId":"u1","address":"10.0.0.5","port":3445,"health":"passing","metadata":{"weight":"100"},"configRevisions":{"application":1}}""");
        foreach (var type in new[] { typeof(InstanceTracker), typeof(InstanceDirectory), typeof(RegistryView), typeof(ReleaseCache), typeof(Server.Features.Auth.AccessDirectory) })
        {
            Services.AddSingleton(type, host.Services.GetRequiredService(type));
        }

        var cut = Render<InstancesPage>(ps => ps.Add(p => p.App, "user").Add(p => p.Env, "dev").Add(p => p.Ns, "application"));

        cut.WaitForAssertion(() => Assert.Contains("u1", cut.Find("[data-testid=instances] tbody").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var row = cut.Find("[data-testid=instances] tbody tr").TextContent;
        Assert.Contains("10.0.0.5", row, StringComparison.Ordinal);
        Assert.DoesNotContain("pid", row, StringComparison.Ordinal);
        Assert.DoesNotContain("client", row, StringComparison.Ordinal);
        Assert.Contains("r1", row, StringComparison.Ordinal);
        Assert.DoesNotContain("behind", row, StringComparison.Ordinal);
        Assert.Contains("not published", cut.Find("[data-testid=live-revision]").TextContent, StringComparison.Ordinal);

        using var http = await host.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(http);
        await api.CreateAppAsync("user", ("application", "properties"));
        var revision = await api.PublishItemsAsync("user", "dev", "application", ("Greeting", "hello"));
        Assert.Equal(1, revision);

        cut.WaitForAssertion(() => Assert.Contains("r1 · up to date", cut.Find("[data-testid=instances] tbody tr").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }
}

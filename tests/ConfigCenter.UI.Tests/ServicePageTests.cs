using Bunit;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Server.Features.Registry.Pages;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConfigCenter.UI.Tests;

/// <summary>The page of one registered service, fed by the server's registry view over a real etcd.</summary>
public sealed class ServicePageTests(EtcdClusterFixture etcd) : UiTestContext, IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task ServicePage_ShowsEachInstance_AndFollowsTheRegistryLive()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await etcd.Cluster.PutAsync($"{prefix}/registry/dev/user/u1",
            """{"service":"user","instanceId":"u1","address":"10.0.0.5","port":3445,"health":"warning","metadata":{"zone":"eu-1","weight":"50"},"configRevisions":{"application":7}}""");
        Services.AddSingleton(_ => new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] }));
        Services.AddSingleton(Options.Create(new ConfigCenterServerOptions { Etcd = { Prefix = prefix, Endpoints = [.. etcd.Endpoints] } }));
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<RegistryView>>(NullLogger<RegistryView>.Instance);
        Services.AddSingleton<RegistryView>();
        // The admin actions are not clicked here; their store is never opened.
        Services.AddDbContextFactory<ConfigCenterDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<RegistryAdmin>>(NullLogger<RegistryAdmin>.Instance);
        Services.AddSingleton<RegistryAdmin>();
        // Pages check roles before admin actions; nobody clicks them here.
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<Server.Features.Auth.AccessDirectory>>(NullLogger<Server.Features.Auth.AccessDirectory>.Instance);
        Services.AddSingleton<Server.Features.Auth.AccessDirectory>();
        AddAuthorization().SetAuthorized("admin");

        var cut = Render<ServicePage>(ps => ps.Add(p => p.Env, "dev").Add(p => p.Service, "user"));

        cut.WaitForAssertion(() => Assert.Contains("http://10.0.0.5:3445", cut.Find("[data-testid=service-instances]").TextContent), TimeSpan.FromSeconds(10));
        var row = cut.Find("[data-testid=service-instances] tbody tr").TextContent;
        Assert.Contains("warning", row, StringComparison.Ordinal);
        Assert.Contains("50 · eu-1", row, StringComparison.Ordinal);
        Assert.Contains("application r7", row, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=service-instances] tbody tr [data-testid=drain]"));
        Assert.Contains("0 of 1 discoverable instances passing", cut.Find("[data-testid=passing-share]").TextContent, StringComparison.Ordinal);

        await etcd.Cluster.DeleteAsync($"{prefix}/registry/dev/user/u1");

        cut.WaitForAssertion(() => Assert.Contains("No instance of user is registered in dev", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }
}

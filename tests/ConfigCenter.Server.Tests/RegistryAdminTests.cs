using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// The admin's drain writes the entry guarded by the mod revision it read; a guard that keeps losing ends after a
/// bounded number of attempts with 412, never in endless retries. Real server, real etcd.
/// </summary>
public sealed class RegistryAdminTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    private const string Entry = """{"service":"user","instanceId":"u1","address":"10.0.0.5","port":3445,"health":"passing","metadata":{"weight":"100"}}""";

    [Fact]
    public async Task Drain_WhoseGuardKeepsLosing_Answers412_AfterABoundedNumberOfAttempts_AndWritesNothing()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        using var http = await host.CreateAdminClientAsync();
        var key = $"{host.Prefix}/registry/dev/user/u1";
        await etcd.Cluster.PutAsync(key, Entry);
        var admin = host.Services.GetRequiredService<RegistryAdmin>();
        var writes = 0;
        // Another writer changes the entry between every read and guarded write.
        admin.BeforeGuardedWrite = async ct =>
        {
            Interlocked.Increment(ref writes);
            await etcd.Cluster.PutAsync(key, Entry.Replace("\"health\":\"passing\"", $"\"health\":\"{(writes % 2 == 0 ? "passing" : "warning")}\"", StringComparison.Ordinal), ct);
        };

        using var response = await http.PostAsync(new Uri("/api/v1/registry/dev/services/user/u1/drain", UriKind.Relative), null).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("u1", problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(RegistryAdmin.GuardAttempts, writes);
        Assert.DoesNotContain("draining", await etcd.Cluster.GetAsync(key), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_WhoseGuardLosesOnce_ReadsAgain_AndKeepsTheOtherWritersChange()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        using var http = await host.CreateAdminClientAsync();
        var key = $"{host.Prefix}/registry/dev/user/u1";
        await etcd.Cluster.PutAsync(key, Entry);
        var admin = host.Services.GetRequiredService<RegistryAdmin>();
        var writes = 0;
        admin.BeforeGuardedWrite = async ct =>
        {
            if (Interlocked.Increment(ref writes) == 1) await etcd.Cluster.PutAsync(key, Entry.Replace("\"passing\"", "\"warning\"", StringComparison.Ordinal), ct);
        };

        using var response = await http.PostAsync(new Uri("/api/v1/registry/dev/services/user/u1/drain", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(2, writes);
        var stored = await etcd.Cluster.GetAsync(key);
        Assert.Contains("\"draining\":\"true\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"health\":\"warning\"", stored, StringComparison.Ordinal);

        admin.BeforeGuardedWrite = null;
        using var resumed = await http.PostAsync(new Uri("/api/v1/registry/dev/services/user/u1/resume", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.DoesNotContain("draining", await etcd.Cluster.GetAsync(key), StringComparison.Ordinal);
        using var missing = await http.PostAsync(new Uri("/api/v1/registry/dev/services/user/nobody/drain", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

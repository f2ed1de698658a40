using System.Net;
using System.Text.Json;
using ConfigCenter.Server.Features.Status;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Server.Tests;

/// <summary>Health, status and API description endpoints an operator relies on.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task Standalone_IsLiveAndReady_AndSaysItsMode()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var client = await host.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var status = JsonDocument.Parse(await client.GetStringAsync("/api/v1/status")).RootElement;
        Assert.Equal("standalone", status.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("etcd").ValueKind);
    }

    [Fact]
    public async Task EtcdDown_MakesReadinessFail_WhileLivenessStaysUp()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        using var client = host.CreateHttpClient();
        using var admin = await host.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var status = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/status")).RootElement;
        Assert.Equal("etcd", status.GetProperty("mode").GetString());
        Assert.True(status.GetProperty("etcd").GetProperty("reachable").GetBoolean());
        Assert.Single(status.GetProperty("etcd").GetProperty("members").EnumerateArray());

        await cluster.StopMemberAsync(0);

        // A verdict is reused for ReadinessProbe.ReuseFor (1 s), so the next probe after that sees etcd gone.
        using var ready = await WaitFor.ValueAsync(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            ReadinessProbe.ReuseFor + TimeSpan.FromSeconds(5), "/health/ready to answer 503 once etcd is down");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        // Anonymous probes learn the verdict, not the endpoints or the etcd error text.
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Readiness_ManyConcurrentProbes_ShareOneEtcdProbe()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        using var client = host.CreateHttpClient();
        var probe = host.Services.GetRequiredService<ReadinessProbe>();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await Task.Delay(ReadinessProbe.ReuseFor); // the first verdict expires: the burst below starts a fresh probe
        var before = probe.ProbeCount;

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync("/health/ready")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (var a in answers) a.Dispose();
        // One probe per second of burst at most (the burst may straddle a boundary on a loaded machine), never one per request.
        Assert.InRange(probe.ProbeCount - before, 1, 3);
    }

    [Fact]
    public async Task Status_AnswersOnlyASignedInUser()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var anonymous = host.CreateHttpClient();
        using var admin = await host.CreateAdminClientAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/status")).StatusCode);
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/ready"));
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/live"));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRestPaths()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var client = host.CreateHttpClient();
        var paths = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/v1/apps", "/api/v1/apps/{app}", "/api/v1/environments", "/api/v1/apps/{app}/namespaces",
            "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}", "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/items/{key}",
            "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/content", "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases",
            "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases/{revision}/rollback", "/api/v1/apps/{app}/envs/{env}/keys",
            "/api/v1/config/{env}/{app}/{ns}", "/api/v1/auth/token", "/api/v1/status",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI describes {path}");
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api-reference")).StatusCode);
    }
}

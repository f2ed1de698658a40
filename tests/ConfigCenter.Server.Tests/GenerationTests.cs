using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// An app deleted and created again starts a new release history (a new generation): its r1 replaces the old r3
/// in etcd, in the read endpoint (new ETag) and on another replica, although its revision is lower.
/// </summary>
public sealed class GenerationTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task RecreatedApp_ItsFirstReleaseReplacesTheOldHigherRevision_InEtcdAndTheReadEndpoint()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("shop", ("application", "properties"));
        for (var i = 1; i <= 3; i++)
        {
            (await api.SetItemAsync("shop", "prod", "application", "Version", $"old-{i}")).EnsureSuccessStatusCode();
            await api.PublishAsync("shop", "prod", "application");
        }
        var old = await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "shop", "application", 3);
        Assert.NotEqual("", old.Generation);

        using (var delete = await api.Http.DeleteAsync("/api/v1/apps/shop")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await WaitFor.ConditionAsync(async () => await EtcdDocuments.ReadAsync(etcd.Cluster, prefix, "prod", "shop", "application") is null,
            TimeSpan.FromSeconds(10), "the deleted app's document leaves etcd");
        await api.CreateAppAsync("shop", ("application", "properties"));
        (await api.SetItemAsync("shop", "prod", "application", "Version", "new-1")).EnsureSuccessStatusCode();
        Assert.Equal(1, await api.PublishAsync("shop", "prod", "application"));

        var fresh = await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "shop", "application", 1);
        Assert.Equal("new-1", fresh.Items["Version"]);
        Assert.True(string.CompareOrdinal(fresh.Generation, old.Generation) > 0, $"{fresh.Generation} sorts after {old.Generation}");

        var key = await api.CreateApiKeyAsync("shop", "prod");
        using var reader = host.CreateHttpClient();
        reader.DefaultRequestHeaders.Add(ConfigHubRoutes.ApiKeyHeader, key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/config/prod/shop/application");
        // A client still holding the old r3 (or even an old r1) must not get 304.
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ReleaseOrder.ETag(old.Generation, 1)));
        using var response = await reader.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReleaseOrder.ETag(fresh.Generation, 1), response.Headers.ETag!.Tag);
        var served = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(), ContractsJsonContext.Default.ReleaseDocument)!;
        Assert.Equal((fresh.Generation, 1L, "new-1"), (served.Generation, served.Revision, served.Items["Version"]));
    }

    [Fact]
    public async Task RecreatedApp_ReachesAnotherReplicaThatStillHeldTheOldHistory()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        var apiB = new ConfigCenterApiClient(await b.CreateAdminClientAsync());
        await apiA.CreateAppAsync("shop", ("application", "properties"));
        await apiB.CreateAppAsync("shop", ("application", "properties"));
        var keyOnB = await apiB.CreateApiKeyAsync("shop", "prod");
        using var readerB = b.CreateHttpClient();
        readerB.DefaultRequestHeaders.Add(ConfigHubRoutes.ApiKeyHeader, keyOnB);
        for (var i = 1; i <= 3; i++)
        {
            (await apiA.SetItemAsync("shop", "prod", "application", "Version", $"old-{i}")).EnsureSuccessStatusCode();
            await apiA.PublishAsync("shop", "prod", "application");
        }
        await WaitForServedAsync(readerB, "old-3");

        (await apiA.Http.DeleteAsync("/api/v1/apps/shop")).EnsureSuccessStatusCode();
        await apiA.CreateAppAsync("shop", ("application", "properties"));
        (await apiA.SetItemAsync("shop", "prod", "application", "Version", "new-1")).EnsureSuccessStatusCode();
        await apiA.PublishAsync("shop", "prod", "application");

        await WaitForServedAsync(readerB, "new-1");
    }

    private static Task WaitForServedAsync(HttpClient reader, string version) =>
        WaitFor.ConditionAsync(async () =>
        {
            using var response = await reader.GetAsync("/api/v1/config/prod/shop/application");
            return response.StatusCode == HttpStatusCode.OK
                && (await response.Content.ReadAsStringAsync()).Contains($"\"Version\":\"{version}\"", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), $"replica B serves Version={version}");
}

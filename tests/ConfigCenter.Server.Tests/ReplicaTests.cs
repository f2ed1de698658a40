using System.Net;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>etcd is the backplane between server replicas: each one's watch feeds its in-memory read endpoint.</summary>
public sealed class ReplicaTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task PublishOnOneReplica_IsServedByAnotherReplicaFromItsEtcdWatch()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        var apiB = new ConfigCenterApiClient(await b.CreateAdminClientAsync());
        // Each replica here has its own SQLite file; the app exists on both so both can issue keys.
        await apiA.CreateAppAsync("search", ("application", "properties"));
        await apiB.CreateAppAsync("search", ("application", "properties"));
        var keyOnB = await apiB.CreateApiKeyAsync("search", "prod");

        (await apiA.SetItemAsync("search", "prod", "application", "Shards", "12")).EnsureSuccessStatusCode();
        await apiA.PublishAsync("search", "prod", "application");

        using var client = b.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", keyOnB);
        string body = "";
        await WaitFor.ConditionAsync(async () =>
        {
            var response = await client.GetAsync("/api/v1/config/prod/search/application");
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "replica B serves the release published on replica A");
        Assert.Contains("\"Shards\":\"12\"", body, StringComparison.Ordinal);
    }
}

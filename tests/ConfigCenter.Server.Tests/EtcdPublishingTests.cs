using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Publishing and rolling back through the API reaches etcd, read back with etcd's own API.</summary>
public sealed class EtcdPublishingTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task Publish_WritesTheReleaseDocumentToEtcd_WithRevisionAndChecksum()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("orders", ("database", "properties"));
        (await api.SetItemAsync("orders", "prod", "database", "Pool:Size", "50")).EnsureSuccessStatusCode();
        (await api.SetItemAsync("orders", "prod", "database", "ConnectionStrings:Main", "Data Source=x")).EnsureSuccessStatusCode();

        Assert.Equal(1, await api.PublishAsync("orders", "prod", "database", "raise pool size"));

        var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, "prod", "orders", "database", 1);
        Assert.Equal("raise pool size", document.Message);
        Assert.Equal("admin", document.PublishedBy);
        Assert.Equal("50", document.Items["Pool:Size"]);
        Assert.Equal("Data Source=x", document.Items["ConnectionStrings:Main"]);
        Assert.True(ReleaseChecksum.Verify(document), "the checksum in etcd matches the items");
    }

    [Fact]
    public async Task Rollback_PublishesANewRevisionWithTheOldContent()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("billing", ("application", "json"));
        (await api.SetContentAsync("billing", "dev", "application", """{"Feature":{"Enabled":true},"Limits":[1,2]}""")).EnsureSuccessStatusCode();
        await api.PublishAsync("billing", "dev", "application");
        (await api.SetContentAsync("billing", "dev", "application", """{"Feature":{"Enabled":false}}""")).EnsureSuccessStatusCode();
        await api.PublishAsync("billing", "dev", "application");

        using var content = JsonContent("{}");
        using var rollback = await api.Http.PostAsync($"{ConfigCenterApiClient.Ns("billing", "dev", "application")}/releases/1/rollback", content);
        Assert.Equal(System.Net.HttpStatusCode.Created, rollback.StatusCode);
        var body = JsonDocument.Parse(await rollback.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, body.GetProperty("revision").GetInt64());
        Assert.Equal(1, body.GetProperty("rolledBackFrom").GetInt64());

        var r1 = await api.GetJsonAsync($"{ConfigCenterApiClient.Ns("billing", "dev", "application")}/releases/1");
        var r3 = await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, "dev", "billing", "application", 3);
        Assert.Equal(r1.GetProperty("checksum").GetString(), r3.Checksum);
        Assert.Equal("True", r3.Items["Feature:Enabled"]);
        Assert.Equal("2", r3.Items["Limits:1"]);
        var draft = await api.GetJsonAsync(ConfigCenterApiClient.Ns("billing", "dev", "application"));
        Assert.False(draft.GetProperty("hasChanges").GetBoolean(), "after a rollback the draft equals what is live");
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

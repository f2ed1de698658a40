using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

public sealed class StandaloneSmokeTests
{
    [Fact]
    public async Task Publish_InStandaloneMode_ServesTheDocumentToAKeyHolder()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var admin = await host.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = "smoke", name = "Smoke" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/apps/smoke/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/v1/apps/smoke/envs/dev/namespaces/application/items/Greeting", new { value = "hello" })).EnsureSuccessStatusCode();
        var publish = await admin.PostAsJsonAsync("/api/v1/apps/smoke/envs/dev/namespaces/application/releases", new { message = "first" });
        Assert.Equal(HttpStatusCode.Created, publish.StatusCode);
        var key = await (await admin.PostAsJsonAsync("/api/v1/apps/smoke/envs/dev/keys", new { name = "smoke" })).Content.ReadFromJsonAsync<KeyBody>();

        using var client = host.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key!.Key);
        var document = await client.GetFromJsonAsync<Dictionary<string, object>>("/api/v1/config/dev/smoke/application");
        Assert.Equal("1", document!["revision"].ToString());
    }

    [Fact]
    public async Task RegistryAdminActions_InStandaloneMode_Answer404WithTheReason_NotA500()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var admin = await host.CreateAdminClientAsync();

        var drain = await admin.PostAsync("/api/v1/registry/dev/services/user/i-1/drain", null);
        var resume = await admin.PostAsync("/api/v1/registry/dev/services/user/i-1/resume", null);
        var deregister = await admin.DeleteAsync("/api/v1/registry/dev/services/user/i-1");

        foreach (var response in new[] { drain, resume, deregister })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("standalone", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private sealed record KeyBody(int Id, string Key);
}

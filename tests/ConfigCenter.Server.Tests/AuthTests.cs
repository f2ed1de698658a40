using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Management needs a signed-in user; the client read endpoint takes only a key scoped to its app and environment.</summary>
public sealed class AuthTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private ConfigCenterApiClient _api = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await _api.Http.DeleteAsync("/api/v1/apps/secure");
        await _api.Http.DeleteAsync("/api/v1/apps/other");
        await _api.CreateAppAsync("secure", ("application", "properties"));
        await _api.CreateAppAsync("other", ("application", "properties"));
        foreach (var app in new[] { "secure", "other" })
        {
            (await _api.SetItemAsync(app, "prod", "application", "Secret", "s3")).EnsureSuccessStatusCode();
            await _api.PublishAsync(app, "prod", "application");
        }
        _key = await _api.CreateApiKeyAsync("secure", "prod");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("GET", "/api/v1/apps")]
    [InlineData("POST", "/api/v1/apps")]
    [InlineData("GET", "/api/v1/apps/secure/envs/prod/namespaces/application")]
    [InlineData("POST", "/api/v1/apps/secure/envs/prod/namespaces/application/releases")]
    [InlineData("POST", "/api/v1/apps/secure/envs/prod/keys")]
    [InlineData("GET", "/api/v1/config/prod/secure/application")]
    public async Task Request_WithoutCredentials_Answers401(string method, string path)
    {
        using var anonymous = server.Host.CreateHttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
        using var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_WithWrongPassword_Answers401()
    {
        using var anonymous = server.Host.CreateHttpClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_ReadsItsOwnAppAndEnvironment()
    {
        using var client = KeyClient(_key);
        var response = await client.GetAsync("/api/v1/config/prod/secure/application");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag!.Tag;
        Assert.StartsWith("\"1.", etag, StringComparison.Ordinal); // "{revision}.{generation}"

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/config/prod/secure/application");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        // The revision alone (a client of the old history) is not the same release.
        using var revisionOnly = new HttpRequestMessage(HttpMethod.Get, "/api/v1/config/prod/secure/application");
        revisionOnly.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(revisionOnly)).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/config/prod/other/application")]
    [InlineData("/api/v1/config/dev/secure/application")]
    public async Task ApiKey_ForAnotherAppOrEnvironment_Answers403(string path)
    {
        using var client = KeyClient(_key);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task ApiKey_CannotUseTheManagementApi()
    {
        using var client = KeyClient(_key);
        var response = await client.GetAsync("/api/v1/apps");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        var create = await client.PostAsJsonAsync("/api/v1/apps", new { id = "made-with-a-key" });
        Assert.Contains(create.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.DoesNotContain("made-with-a-key", await _api.Http.GetStringAsync("/api/v1/apps"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOrRevokedKey_Answers401()
    {
        using var wrong = KeyClient("cck_not-a-real-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/config/prod/secure/application")).StatusCode);

        var keys = await _api.GetJsonAsync("/api/v1/apps/secure/envs/prod/keys");
        var id = keys.EnumerateArray().Single().GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Http.DeleteAsync($"/api/v1/apps/secure/envs/prod/keys/{id}")).StatusCode);
        using var revoked = KeyClient(_key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/v1/config/prod/secure/application")).StatusCode);
    }

    [Fact]
    public async Task BearerToken_IsNotAcceptedByTheClientReadEndpoint()
    {
        var response = await _api.Http.GetAsync("/api/v1/config/prod/secure/application");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task ApiKeys_AreStoredHashed()
    {
        var keys = await _api.GetJsonAsync("/api/v1/apps/secure/envs/prod/keys");
        Assert.DoesNotContain(_key, keys.ToString(), StringComparison.Ordinal);
        var db = await File.ReadAllBytesAsync(Path.Combine(server.Host.DataDirectory, "configcenter.db"));
        var wal = File.Exists(Path.Combine(server.Host.DataDirectory, "configcenter.db-wal"))
            ? await File.ReadAllBytesAsync(Path.Combine(server.Host.DataDirectory, "configcenter.db-wal")) : [];
        var text = System.Text.Encoding.UTF8.GetString([.. db, .. wal]);
        Assert.DoesNotContain(_key, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditTrail_RecordsWhoDidWhat()
    {
        var audit = await _api.GetJsonAsync("/api/v1/audit?app=secure");
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Contains("app.create", actions);
        Assert.Contains("item.add", actions);
        Assert.Contains("release.publish", actions);
        Assert.Contains("apikey.create", actions);
        Assert.All(audit.EnumerateArray(), a => Assert.Equal("admin", a.GetProperty("actor").GetString()));
        Assert.DoesNotContain(_key, audit.ToString(), StringComparison.Ordinal);
    }

    private HttpClient KeyClient(string key)
    {
        var client = server.Host.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}

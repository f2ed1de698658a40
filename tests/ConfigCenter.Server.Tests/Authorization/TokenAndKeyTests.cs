using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.Data.Sqlite;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>Personal access tokens act as their user; client keys are listed, rotated and revoked, and stored as HMACs.</summary>
public sealed class TokenAndKeyTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private const string Password = "token-password-1";
    private ConfigCenterApiClient _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await _admin.Http.DeleteAsync("/api/v1/apps/keyed");
        await _admin.CreateAppAsync("keyed", ("application", "properties"));
        await _admin.PublishItemsAsync("keyed", "prod", "application", ("A", "1"));
    }

    public Task DisposeAsync()
    {
        _admin.Http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PersonalAccessToken_ActsWithTheUsersRoles_IsListedWithoutItsSecret_AndStopsWhenRevoked()
    {
        var id = await _admin.CreateUserAsync("scripter", Password);
        await _admin.SetRolesAsync(id, false, [("keyed", "Viewer")], []);
        using var session = await server.Host.CreateUserClientAsync("scripter", Password);
        using var created = await session.PostAsJsonAsync("/api/v1/me/tokens", new { name = "ci", expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var secret = body.GetProperty("token").GetString()!;
        Assert.StartsWith("ccp_", secret, StringComparison.Ordinal);

        using var pat = server.Host.CreateHttpClient();
        pat.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await pat.GetAsync(ConfigCenterApiClient.Ns("keyed", "prod", "application"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await new ConfigCenterApiClient(pat).SetItemAsync("keyed", "prod", "application", "B", "2")).StatusCode);

        var listed = (await new ConfigCenterApiClient(session).GetJsonAsync("/api/v1/me/tokens")).EnumerateArray().Single();
        Assert.Equal(secret[..12], listed.GetProperty("prefix").GetString());
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.True(listed.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
        Assert.DoesNotContain(secret, listed.ToString(), StringComparison.Ordinal);
        Assert.False(DatabaseContains(secret), "the token is stored in clear");

        (await session.DeleteAsync($"/api/v1/me/tokens/{body.GetProperty("id").GetInt32()}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await pat.GetAsync(ConfigCenterApiClient.Ns("keyed", "prod", "application"))).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(367)]
    public async Task PersonalAccessToken_WithoutASensibleExpiry_Answers400(int days)
    {
        using var response = await _admin.Http.PostAsJsonAsync("/api/v1/me/tokens", new { name = "forever", expiresInDays = days });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expiresInDays", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingAKey_WithoutGrace_EndsTheOldOneAtOnce()
    {
        var (id, old) = await CreateKeyAsync("rotate-now");
        using var rotated = await _admin.Http.PostAsJsonAsync($"/api/v1/apps/keyed/envs/prod/keys/{id}/rotate", new { });
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var fresh = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(old));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(fresh));
    }

    [Fact]
    public async Task RotatingAKey_WithGrace_KeepsTheOldOneUntilThen_AndListsBoth()
    {
        var (id, old) = await CreateKeyAsync("rotate-later");
        using var rotated = await _admin.Http.PostAsJsonAsync($"/api/v1/apps/keyed/envs/prod/keys/{id}/rotate", new { graceMinutes = 60 });
        var fresh = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(old));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(fresh));
        var keys = (await _admin.GetJsonAsync("/api/v1/apps/keyed/envs/prod/keys")).EnumerateArray().ToList();
        var oldRow = keys.Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.True(oldRow.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));
        Assert.Equal(JsonValueKind.String, oldRow.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(old[..10], oldRow.GetProperty("keyPrefix").GetString());
        Assert.DoesNotContain(old, string.Join(",", keys), StringComparison.Ordinal);

        using var tooLong = await _admin.Http.PostAsJsonAsync($"/api/v1/apps/keyed/envs/prod/keys/{id}/rotate", new { graceMinutes = 99999 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task Keys_AreStoredAsHmac_NotAsBareSha256()
    {
        var (_, key) = await CreateKeyAsync("hmac");
        Assert.False(DatabaseContains(key));
        Assert.False(DatabaseContains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))), "the key is stored as bare SHA-256");
        var keyFile = Path.Combine(server.Host.DataDirectory, "secret-hash.key");
        Assert.Equal(32, new FileInfo(keyFile).Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public async Task ALegacySha256Key_StillAuthenticates_AndIsReHashedOnFirstUse()
    {
        // A key from before HMAC: a row holding the bare SHA-256 (hash version 0), loaded at start.
        var data = Directory.CreateTempSubdirectory("configcenter-legacy-").FullName;
        const string legacy = "cck_legacy-key-from-an-older-server-000000000";
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(legacy)));
        await using (var first = await ConfigCenterServerHost.StartAsync(dataDirectory: data))
        {
            var admin = new ConfigCenterApiClient(await first.CreateAdminClientAsync());
            await admin.CreateAppAsync("old", ("application", "properties"));
            await admin.PublishItemsAsync("old", "prod", "application", ("A", "1"));
            admin.Http.Dispose();
        }
        Execute(data, $"INSERT INTO ApiKeys (AppId, EnvironmentId, Name, KeyHash, HashVersion, KeyPrefix, CreatedAt, CreatedBy) VALUES ('old', 'prod', 'legacy', '{sha}', 0, 'cck_legacy', 0, 'test')");

        await using var restarted = await ConfigCenterServerHost.StartAsync(dataDirectory: data);
        using var client = restarted.CreateHttpClient();
        client.DefaultRequestHeaders.Add(ConfigHubRoutes.ApiKeyHeader, legacy);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/config/prod/old/application")).StatusCode);

        await WaitFor.ConditionAsync(() => Query(data, "SELECT HashVersion FROM ApiKeys WHERE Name = 'legacy'") == "1", TimeSpan.FromSeconds(15),
            "the legacy row is re-hashed with HMAC");
        Assert.NotEqual(sha, Query(data, "SELECT KeyHash FROM ApiKeys WHERE Name = 'legacy'"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/config/prod/old/application")).StatusCode);
    }

    private async Task<(int Id, string Key)> CreateKeyAsync(string name)
    {
        using var response = await _admin.Http.PostAsJsonAsync("/api/v1/apps/keyed/envs/prod/keys", new { name });
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("id").GetInt32(), body.GetProperty("key").GetString()!);
    }

    private async Task<HttpStatusCode> ReadAsync(string key)
    {
        using var client = server.Host.CreateHttpClient();
        client.DefaultRequestHeaders.Add(ConfigHubRoutes.ApiKeyHeader, key);
        using var response = await client.GetAsync("/api/v1/config/prod/keyed/application");
        return response.StatusCode;
    }

    private bool DatabaseContains(string text)
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(server.Host.DataDirectory, "configcenter.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes.AddRange(memory.ToArray());
        }
        return Encoding.UTF8.GetString([.. bytes]).Contains(text, StringComparison.Ordinal);
    }

    private static void Execute(string data, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "configcenter.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Query(string data, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "configcenter.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

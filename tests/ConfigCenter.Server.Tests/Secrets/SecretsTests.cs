using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Secrets;

/// <summary>
/// Secret items against a real server, SQLite file and etcd: the plaintext is nowhere at rest or on the wire, every read
/// masks it, and only an editor's audited reveal shows it.
/// </summary>
public sealed class SecretsTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    private const string Password = "user-password-123";

    [Fact]
    public async Task SecretValue_IsNeverInClear_InSqliteEtcdLogsAuditOrReads_AndRevealIsAudited()
    {
        using var logs = new LogCapture();
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, loggerProvider: logs,
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        var admin = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var app = $"vault-{Guid.NewGuid().ToString("N")[..6]}";
        var plaintext = $"hunter2-{Guid.NewGuid():N}";
        await admin.CreateAppAsync(app, ("database", "properties"));
        var ns = ConfigCenterApiClient.Ns(app, "prod", "database");
        await admin.SetAsync(app, "prod", "database", "Pool:Size", "50");
        await admin.SetAsync(app, "prod", "database", "Upstream:Dsn", "placeholder");
        await Ok(admin.Http.PutAsync($"{ns}/items/Upstream%3ADsn/secret", null));
        await Ok(admin.Http.PutAsJsonAsync($"{ns}/items/Upstream%3ADsn", new { value = plaintext, comment = "rotated" }));
        Assert.Equal(1, await admin.PublishAsync(app, "prod", "database", "with a secret"));
        await Ok(admin.Http.PutAsJsonAsync($"{ns}/items/Upstream%3ADsn", new { value = plaintext + "-v2" }));
        Assert.Equal(2, await admin.PublishAsync(app, "prod", "database", "secret changed"));

        // etcd holds an envelope, named in SecretKeys, under the environment key; the checksum verifies on the wire form.
        var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, "prod", app, "database", 2);
        var raw = await etcd.Cluster.GetAsync(EtcdKeys.Config(host.Prefix, "prod", app, "database"));
        Assert.DoesNotContain("hunter2", raw!, StringComparison.Ordinal);
        Assert.Equal(["Upstream:Dsn"], document.SecretKeys);
        Assert.StartsWith(SecretEnvelope.Prefix, document.Items["Upstream:Dsn"], StringComparison.Ordinal);
        Assert.Equal("50", document.Items["Pool:Size"]);
        Assert.True(ReleaseChecksum.Verify(document));
        var key = await admin.GetJsonAsync("/api/v1/environments/prod/secret-key");
        var keys = new Dictionary<string, byte[]> { [key.GetProperty("keyId").GetString()!] = Convert.FromBase64String(key.GetProperty("key").GetString()!) };
        Assert.True(SecretEnvelope.TryOpen(keys, app, "prod", "database", "Upstream:Dsn", document.Items["Upstream:Dsn"], out var opened, out _));
        Assert.Equal(plaintext + "-v2", opened);
        Assert.NotEmpty(await admin.AuditEntriesAsync("secret.key.read", "prod"));

        // Viewer: every read is masked, reveal and marking are refused.
        var viewerId = await admin.CreateUserAsync($"viewer-{app}", Password);
        await admin.SetRolesAsync(viewerId, false, [(app, "Viewer")], []);
        using var viewer = await host.CreateUserClientAsync($"viewer-{app}", Password);
        var reads = new[]
        {
            ns, $"{ns}/releases/1", $"{ns}/releases/2", $"{ns}/releases/2/diff?against=1", $"{ns}/releases/1/diff?against=0",
            $"/export/{app}/prod/database?as=json", $"/export/{app}/prod/database?as=env&revision=2", $"/export/{app}/prod/database?as=yaml&revision=1",
        };
        foreach (var path in reads)
        {
            using var response = await viewer.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretEnvelope.Prefix, body, StringComparison.Ordinal);
            Assert.Contains("******", body, StringComparison.Ordinal);
        }
        // The diff still sees that the secret changed, without showing it.
        var diff = await new ConfigCenterApiClient(viewer).GetJsonAsync($"{ns}/releases/2/diff?against=1");
        var changed = Assert.Single(diff.GetProperty("changed").EnumerateArray());
        Assert.Equal("Upstream:Dsn", changed.GetProperty("key").GetString());
        using (var reveal = await viewer.PostAsync($"{ns}/items/Upstream%3ADsn/reveal", null)) Assert.Equal(HttpStatusCode.Forbidden, reveal.StatusCode);
        using (var unmark = await viewer.DeleteAsync($"{ns}/items/Upstream%3ADsn/secret")) Assert.Equal(HttpStatusCode.Forbidden, unmark.StatusCode);

        // Editor: masked by default too; reveal shows the value and is audited.
        var editorId = await admin.CreateUserAsync($"editor-{app}", Password);
        await admin.SetRolesAsync(editorId, false, [(app, "Editor")], []);
        using var editor = await host.CreateUserClientAsync($"editor-{app}", Password);
        var draft = await new ConfigCenterApiClient(editor).GetJsonAsync(ns);
        var secretItem = draft.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Upstream:Dsn");
        Assert.Equal("******", secretItem.GetProperty("value").GetString());
        Assert.True(secretItem.GetProperty("secret").GetBoolean());
        Assert.False(draft.GetProperty("hasChanges").GetBoolean(), "the sealed draft equals the live release");
        using (var reveal = await editor.PostAsync($"{ns}/items/Upstream%3ADsn/reveal", null))
        {
            Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
            Assert.Equal(plaintext + "-v2", (await reveal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString());
        }
        var revealed = Assert.Single(await admin.AuditEntriesAsync("secret.reveal", $"{app}/prod/database/Upstream:Dsn"));
        Assert.Equal($"editor-{app}", revealed.GetProperty("actor").GetString());

        // The masked value sent back (an edit of the comment) keeps the secret.
        await Ok(editor.PutAsJsonAsync($"{ns}/items/Upstream%3ADsn", new { value = "******", comment = "comment only" }));
        Assert.False((await admin.GetJsonAsync(ns)).GetProperty("hasChanges").GetBoolean(), "saving the mask does not change the secret");

        // The audit trail (API and CSV) never holds the value.
        var audit = await admin.GetJsonAsync("/api/v1/audit?take=1000");
        Assert.DoesNotContain("hunter2", audit.GetRawText(), StringComparison.Ordinal);

        // At rest: neither the SQLite file nor its write-ahead log holds the plaintext (the server is still running).
        foreach (var file in Directory.GetFiles(host.DataDirectory, "configcenter.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes("hunter2")) < 0, $"{Path.GetFileName(file)} holds the secret in clear");
        }
        Assert.Contains(Directory.GetFiles(host.DataDirectory, "configcenter.db*"), f => f.EndsWith("-wal", StringComparison.Ordinal));

        // Logs, at every level, never hold it either.
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MarkingSecret_InAJsonNamespace_Is400NamingTheField()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var admin = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var app = $"docs-{Guid.NewGuid().ToString("N")[..6]}";
        await admin.CreateAppAsync(app, ("settings", "json"));
        await admin.SetDocumentAsync(app, "dev", "settings", """{"Db":{"Password":"x"}}""");

        using var response = await admin.Http.PutAsync($"{ConfigCenterApiClient.Ns(app, "dev", "settings")}/items/Upstream%3ADsn/secret", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("secret", problem, StringComparison.Ordinal);
        Assert.Contains("properties namespaces only", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_ResealsDrafts_AndTheNextPublishUsesTheNewKey_AndOnlyAdminsReadKeys()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var admin = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var app = $"rotate-{Guid.NewGuid().ToString("N")[..6]}";
        await admin.CreateAppAsync(app, ("application", "properties"));
        var ns = ConfigCenterApiClient.Ns(app, "test", "application");
        await Ok(admin.Http.PutAsJsonAsync($"{ns}/items/Api%3AToken", new { value = "token-one", secret = true }));
        await admin.PublishAsync(app, "test", "application");
        var before = await admin.GetJsonAsync("/api/v1/environments/test/secret-key");

        using (var rotate = await admin.Http.PostAsync("/api/v1/environments/test/secret-key/rotate", null)) await Ok(Task.FromResult(rotate));
        var after = await admin.GetJsonAsync("/api/v1/environments/test/secret-key");

        Assert.NotEqual(before.GetProperty("keyId").GetString(), after.GetProperty("keyId").GetString());
        Assert.Equal(before.GetProperty("keyId").GetString(), after.GetProperty("retired")[0].GetProperty("keyId").GetString());
        Assert.True((await admin.GetJsonAsync(ns)).GetProperty("hasChanges").GetBoolean(), "the live release is still sealed with the old key");
        await admin.PublishAsync(app, "test", "application", "after rotation");
        var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, "test", app, "application", 2);
        Assert.True(SecretEnvelope.TryGetKeyId(document.Items["Api:Token"], out var keyId));
        Assert.Equal(after.GetProperty("keyId").GetString(), keyId);
        using (var reveal = await admin.Http.PostAsync($"{ns}/items/Api%3AToken/reveal", null))
            Assert.Equal("token-one", (await reveal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString());
        Assert.Single(await admin.AuditEntriesAsync("secret.key.rotate", "test"));

        var userId = await admin.CreateUserAsync($"owner-{app}", Password);
        await admin.SetRolesAsync(userId, false, [(app, "Owner")], [("test", app)]);
        using var owner = await host.CreateUserClientAsync($"owner-{app}", Password);
        using (var read = await owner.GetAsync("/api/v1/environments/test/secret-key")) Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        using (var rotate = await owner.PostAsync("/api/v1/environments/test/secret-key/rotate", null)) Assert.Equal(HttpStatusCode.Forbidden, rotate.StatusCode);
    }

    private static async Task Ok(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}

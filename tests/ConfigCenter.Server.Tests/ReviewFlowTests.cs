using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// Four eyes through the real API on real etcd: in an environment that requires review a publish becomes a release
/// request, which only a Publisher other than its author can approve; approving publishes the snapshot to etcd.
/// </summary>
public sealed class ReviewFlowTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>, IAsyncLifetime
{
    private const string Password = "review-test-password-1";
    private const string App = "orders";
    private const string Env = "live";
    private const string Ns = "application";
    private static readonly string Target = $"{App}/{Env}/{Ns}";
    private static readonly string Releases = ConfigCenterApiClient.Ns(App, Env, Ns) + "/releases";

    private ConfigCenterServerHost _host = null!;
    private ConfigCenterApiClient _admin = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;

    public async Task InitializeAsync()
    {
        _host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        _admin = new ConfigCenterApiClient(await _host.CreateAdminClientAsync());
        (await _admin.Http.PostAsJsonAsync("/api/v1/environments", new { id = Env, name = "Live" })).EnsureSuccessStatusCode();
        using var review = await _admin.Http.PutAsJsonAsync($"/api/v1/environments/{Env}/review", new { requiresReview = true });
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.True((await review.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requiresReview").GetBoolean());
        await _admin.CreateAppAsync(App, (Ns, "properties"));
        _alice = await UserAsync("alice", publisher: [(Env, App)]);
        _bob = await UserAsync("bob", publisher: [(Env, null)]);
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        _admin.Http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ARequestWithASecret_ShowsItMasked_AndApprovalPublishesItSealed()
    {
        const string Plain = "request-secret-value-7";
        await _admin.SetAsync(App, Env, Ns, "Db:Password", Plain);
        (await _admin.Http.PutAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/items/Db%3APassword/secret", null)).EnsureSuccessStatusCode();

        using var published = await _alice.PostAsJsonAsync(Releases, new { message = "with a secret" });
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        var id = (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var path = $"{ConfigCenterApiClient.Ns(App, Env, Ns)}/requests/{id}";

        // The reviewer sees that the secret is added, never its value nor its envelope.
        var raw = await (await _bob.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Plain, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("ccsecret:", raw, StringComparison.Ordinal);
        var added = JsonDocument.Parse(raw).RootElement.GetProperty("diff").GetProperty("added").EnumerateArray()
            .Single(e => e.GetProperty("key").GetString() == "Db:Password");
        Assert.Equal("******", added.GetProperty("newValue").GetString());

        using (var approve = await _bob.PostAsJsonAsync($"{path}/approve", new { })) Assert.True(approve.IsSuccessStatusCode, await approve.Content.ReadAsStringAsync());
        var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, _host.Prefix, Env, App, Ns, 1);
        Assert.Contains("Db:Password", document.SecretKeys);
        Assert.StartsWith("ccsecret:v1:", document.Items["Db:Password"], StringComparison.Ordinal);
        Assert.DoesNotContain(Plain, JsonSerializer.Serialize(document), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_CreatesASnapshotRequest_OnlyAnotherPublisherApproves_AndTheSnapshotReachesEtcd()
    {
        var environments = await _admin.GetJsonAsync("/api/v1/environments");
        Assert.True(environments.EnumerateArray().Single(e => e.GetProperty("id").GetString() == Env).GetProperty("requiresReview").GetBoolean());
        await _admin.SetAsync(App, Env, Ns, "Pool:Size", "50");

        using var published = await _alice.PostAsJsonAsync(Releases, new { message = "raise pool" });
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        var request = await published.Content.ReadFromJsonAsync<JsonElement>();
        var id = request.GetProperty("id").GetInt64();
        var path = $"{ConfigCenterApiClient.Ns(App, Env, Ns)}/requests/{id}";
        Assert.Equal(path, published.Headers.Location!.OriginalString);
        Assert.Equal("pending", request.GetProperty("status").GetString());
        Assert.Equal("alice", request.GetProperty("author").GetString());
        Assert.Equal("Pool:Size", request.GetProperty("diff").GetProperty("added")[0].GetProperty("key").GetString());
        Assert.Equal(0, (await _admin.GetJsonAsync(Releases)).GetArrayLength());
        Assert.Null(await EtcdDocuments.ReadAsync(etcd.Cluster, _host.Prefix, Env, App, Ns));

        // The request is a snapshot: editing the draft afterwards changes neither its diff nor what approval publishes.
        await _admin.SetAsync(App, Env, Ns, "Pool:Size", "99");
        var stored = await _admin.GetJsonAsync(path);
        Assert.Equal("50", stored.GetProperty("diff").GetProperty("added")[0].GetProperty("newValue").GetString());

        using (var own = await _alice.PostAsJsonAsync($"{path}/approve", new { }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
            Assert.Contains("another Publisher", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var editor = await UserAsync("eve", apps: [(App, "Editor")]))
        using (var viewer = await UserAsync("vic", apps: [(App, "Viewer")]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await editor.PostAsJsonAsync($"{path}/approve", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"{path}/approve", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await editor.PostAsJsonAsync(Releases, new { message = "x" })).StatusCode);
            // A viewer reads the request (and sees it among pending reviews) but cannot decide it.
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(path)).StatusCode);
            Assert.Contains((await viewer.GetFromJsonAsync<JsonElement>("/api/v1/reviews")).EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        }

        using var approved = await _bob.PostAsJsonAsync($"{path}/approve", new { comment = "looks right" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", decision.GetProperty("status").GetString());
        Assert.Equal("bob", decision.GetProperty("decidedBy").GetString());
        Assert.Equal(1, decision.GetProperty("releaseRevision").GetInt64());

        var release = await _admin.GetJsonAsync($"{Releases}/1");
        Assert.Equal("50", release.GetProperty("items").GetProperty("Pool:Size").GetString());
        Assert.Equal("bob", release.GetProperty("publishedBy").GetString());
        var listed = (await _admin.GetJsonAsync(Releases))[0];
        Assert.Equal("alice", listed.GetProperty("requestedBy").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("emergencyReason").ValueKind);

        var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, _host.Prefix, Env, App, Ns, 1);
        Assert.Equal("50", document.Items["Pool:Size"]);
        Assert.Equal("bob", document.PublishedBy);
        Assert.Equal("raise pool", document.Message);

        Assert.Equal(HttpStatusCode.Conflict, (await _bob.PostAsJsonAsync($"{path}/approve", new { })).StatusCode);
        Assert.DoesNotContain((await _bob.GetFromJsonAsync<JsonElement>("/api/v1/reviews")).EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.Single(await _admin.AuditEntriesAsync("release.request", Target));
        Assert.Single(await _admin.AuditEntriesAsync("release.approve", Target));
        Assert.Equal("bob", Assert.Single(await _admin.AuditEntriesAsync("release.publish", Target)).GetProperty("actor").GetString());
        Assert.True((await _admin.VerifyAuditAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Reject_NeedsAComment_AndOnlyTheAuthorWithdraws()
    {
        await _admin.SetAsync(App, Env, Ns, "Feature", "on");
        var first = await RequestAsync(_alice, "turn it on");
        using (var bare = await _bob.PostAsJsonAsync($"{first}/reject", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
            Assert.Equal("comment", (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await _alice.PostAsJsonAsync($"{first}/reject", new { comment = "mine" })).StatusCode);
        using (var rejected = await _bob.PostAsJsonAsync($"{first}/reject", new { comment = "not before the sale" }))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
            var body = await rejected.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("rejected", body.GetProperty("status").GetString());
            Assert.Equal("not before the sale", body.GetProperty("comment").GetString());
        }
        Assert.Equal(HttpStatusCode.Conflict, (await _bob.PostAsJsonAsync($"{first}/approve", new { })).StatusCode);

        var second = await RequestAsync(_alice, "again");
        Assert.Equal(HttpStatusCode.Forbidden, (await _bob.PostAsync($"{second}/withdraw", null)).StatusCode);
        using (var withdrawn = await _alice.PostAsync($"{second}/withdraw", null))
        {
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
            Assert.Equal("withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        Assert.Equal(0, (await _admin.GetJsonAsync(Releases)).GetArrayLength());
        Assert.Single(await _admin.AuditEntriesAsync("release.reject", Target));
        Assert.Single(await _admin.AuditEntriesAsync("release.withdraw", Target));
        var history = await _admin.GetJsonAsync(ConfigCenterApiClient.Ns(App, Env, Ns) + "/requests");
        Assert.Equal(new[] { "withdrawn", "rejected" }, history.EnumerateArray().Select(r => r.GetProperty("status").GetString()!).ToArray());
    }

    [Fact]
    public async Task EmergencyPublish_IsAdminOnly_Marked_AndMakesPendingRequestsStale()
    {
        await _admin.SetAsync(App, Env, Ns, "Timeout", "30");
        var pending = await RequestAsync(_alice, "longer timeout");

        using (var notAdmin = await _alice.PostAsJsonAsync(Releases, new { message = "now", emergency = true, reason = "outage" }))
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        using (var noReason = await _admin.Http.PostAsJsonAsync(Releases, new { message = "now", emergency = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.Equal("reason", (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        // Without the flag an Admin is reviewed like anyone else.
        using (var plain = await _admin.Http.PostAsJsonAsync(Releases, new { message = "admin, reviewed" }))
            Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);

        using var emergency = await _admin.Http.PostAsJsonAsync(Releases, new { message = "hotfix", emergency = true, reason = "checkout is down" });
        Assert.Equal(HttpStatusCode.Created, emergency.StatusCode);
        var release = await emergency.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("checkout is down", release.GetProperty("emergencyReason").GetString());
        Assert.Equal("checkout is down", (await _admin.GetJsonAsync(Releases))[0].GetProperty("emergencyReason").GetString());
        Assert.Equal("30", (await EtcdDocuments.WaitForAsync(etcd.Cluster, _host.Prefix, Env, App, Ns, 1)).Items["Timeout"]);
        var audit = Assert.Single(await _admin.AuditEntriesAsync("release.emergency", Target));
        Assert.Contains("checkout is down", audit.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Empty(await _admin.AuditEntriesAsync("release.publish", Target));

        // The request was made against r0; the namespace is at r1 now.
        Assert.True((await _bob.GetFromJsonAsync<JsonElement>(pending)).GetProperty("stale").GetBoolean());
        using var stale = await _bob.PostAsJsonAsync($"{pending}/approve", new { });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("request review again", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await _admin.GetJsonAsync(Releases)).GetArrayLength());
    }

    [Fact]
    public async Task EnvironmentsWithoutReview_PublishAtOnce_AndOnlyAdminsChangeTheSetting()
    {
        await _admin.SetAsync(App, "dev", Ns, "A", "1");
        using (var direct = await _alice.PostAsJsonAsync(ConfigCenterApiClient.Ns(App, "dev", Ns) + "/releases", new { message = "dev" }))
            Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode); // alice publishes only in live
        Assert.Equal(1, await _admin.PublishAsync(App, "dev", Ns));
        Assert.Equal(HttpStatusCode.Forbidden, (await _bob.PutAsJsonAsync($"/api/v1/environments/{Env}/review", new { requiresReview = false })).StatusCode);
        using (var missing = await _admin.Http.PutAsJsonAsync($"/api/v1/environments/{Env}/review", new { }))
            Assert.Equal("requiresReview", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.Http.PutAsJsonAsync("/api/v1/environments/nowhere/review", new { requiresReview = true })).StatusCode);

        using (var off = await _admin.Http.PutAsJsonAsync($"/api/v1/environments/{Env}/review", new { requiresReview = false }))
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        await _admin.SetAsync(App, Env, Ns, "B", "2");
        using var now = await _alice.PostAsJsonAsync(Releases, new { message = "no review now" });
        Assert.Equal(HttpStatusCode.Created, now.StatusCode);
        // Switched on when the test started, off here; the newest entry comes first.
        var toggles = await _admin.AuditEntriesAsync("environment.review", Env);
        Assert.Equal(2, toggles.Count);
        Assert.Contains("\"requiresReview\":false", toggles[0].GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> RequestAsync(HttpClient author, string message)
    {
        using var response = await author.PostAsJsonAsync(Releases, new { message });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private async Task<HttpClient> UserAsync(string name, (string, string)[]? apps = null, (string, string?)[]? publisher = null)
    {
        var id = await _admin.CreateUserAsync(name, Password);
        await _admin.SetRolesAsync(id, false, apps ?? [], publisher ?? []);
        return await _host.CreateUserClientAsync(name, Password);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Every mutation through the REST API leaves exactly one audit entry naming who, from where, what, before and after.</summary>
public sealed partial class AuditTrailTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>
{
    private const string Loopback = "127.0.0.1";

    [Fact]
    public async Task EachMutation_RecordsOneEntry_WithActionTargetActorAndAddress()
    {
        var api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        var app = $"audited-{Guid.NewGuid().ToString("N")[..8]}";
        var env = $"qa{Guid.NewGuid().ToString("N")[..6]}";

        await Ok(api.Http.PostAsJsonAsync("/api/v1/apps", new { id = app, name = "Audited", description = "d" }));
        var created = await One(api, "app.create", app);
        Assert.Equal("Audited", Json(created, "after").GetProperty("name").GetString());
        Assert.Equal("", created.GetProperty("before").GetString());

        await Ok(api.Http.PostAsJsonAsync("/api/v1/environments", new { id = env, name = "QA" }));
        Assert.Equal("QA", Json(await One(api, "environment.create", env), "after").GetProperty("name").GetString());

        await Ok(api.Http.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name = "application", format = "properties" }));
        await Ok(api.Http.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name = "doc", format = "json" }));
        Assert.Equal("json", Json(await One(api, "namespace.create", $"{app}/doc"), "after").GetProperty("format").GetString());

        await Ok(api.SetItemAsync(app, env, "application", "Greeting", "hello"));
        var added = await One(api, "item.add", $"{app}/{env}/application/Greeting");
        Assert.Equal("hello", Json(added, "after").GetProperty("value").GetString());

        await Ok(api.SetItemAsync(app, env, "application", "Greeting", "hi"));
        var set = await One(api, "item.set", $"{app}/{env}/application/Greeting");
        Assert.Equal("hello", Json(set, "before").GetProperty("value").GetString());
        Assert.Equal("hi", Json(set, "after").GetProperty("value").GetString());

        await Ok(api.SetContentAsync(app, env, "doc", """{"Db":{"Host":"db1","Password":"hunter2"}}"""));
        var content = await One(api, "content.set", $"{app}/{env}/doc");
        Assert.Equal("db1", Json(content, "after").GetProperty("Db:Host").GetString());
        Assert.Equal("***", Json(content, "after").GetProperty("Db:Password").GetString());

        await api.PublishAsync(app, env, "application", "first");
        await api.SetAsync(app, env, "application", "Other", "x");
        await api.PublishAsync(app, env, "application", "second");
        var published = (await api.AuditEntriesAsync("release.publish", $"{app}/{env}/application"));
        Assert.Equal(2, published.Count);
        Assert.All(published, e => AssertWho(e));
        Assert.Equal(2, Json(published[0], "after").GetProperty("revision").GetInt64());
        Assert.Equal(1, Json(published[0], "before").GetProperty("revision").GetInt64());

        await Ok(api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns(app, env, "application")}/releases/1/rollback", new { message = "back" }));
        var rollback = await One(api, "release.rollback", $"{app}/{env}/application");
        Assert.Equal(3, Json(rollback, "after").GetProperty("revision").GetInt64());
        Assert.Equal(1, Json(rollback, "after").GetProperty("rolledBackFrom").GetInt64());

        await api.DeleteAsync(app, env, "application", "Greeting");
        Assert.Equal("hi", Json(await One(api, "item.delete", $"{app}/{env}/application/Greeting"), "before").GetProperty("value").GetString());

        using var keyResponse = await api.Http.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/keys", new { name = "ci" });
        Assert.True(keyResponse.IsSuccessStatusCode);
        var keyBody = JsonDocument.Parse(await keyResponse.Content.ReadAsStringAsync()).RootElement;
        var keyCreated = await One(api, "apikey.create", $"{app}/{env}");
        Assert.DoesNotContain(keyBody.GetProperty("key").GetString()!, keyCreated.ToString(), StringComparison.Ordinal);
        await Ok(api.Http.DeleteAsync($"/api/v1/apps/{app}/envs/{env}/keys/{keyBody.GetProperty("id").GetInt32()}"));
        Assert.True(Json(await One(api, "apikey.revoke", $"{app}/{env}"), "after").GetProperty("revoked").GetBoolean());

        await api.DeleteAppAsync(app);
        var deleted = await One(api, "app.delete", app);
        Assert.Equal(["application", "doc"], Json(deleted, "before").GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()!).ToArray());
    }

    [Fact]
    public async Task SignIns_AndFailedSignIns_AreRecorded_ForTokenAndForm()
    {
        var user = $"nobody-{Guid.NewGuid().ToString("N")[..8]}";
        using var anonymous = server.Host.CreateHttpClient();
        using (var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password = "wrong-password" }))
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        using (var form = await PostLoginFormAsync(user, "nope")) Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        var api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());

        var failures = await api.GetJsonAsync($"/api/v1/audit?actor={user}");
        Assert.Equal(["auth.signin.failed:signin:token", "auth.signin.failed:signin:ui"],
            failures.EnumerateArray().Select(e => $"{e.GetProperty("action").GetString()}:{e.GetProperty("target").GetString()}").Order(StringComparer.Ordinal).ToArray());
        Assert.All(failures.EnumerateArray(), e => Assert.Equal(Loopback, e.GetProperty("address").GetString()));
        Assert.DoesNotContain("wrong-password", failures.ToString(), StringComparison.Ordinal);
        var signIns = await api.GetJsonAsync("/api/v1/audit?action=auth.signin&actor=admin");
        Assert.Contains(signIns.EnumerateArray(), e => e.GetProperty("target").GetString() == "signin:token");
    }

    [Fact]
    public async Task SecretLookingKeys_AreMaskedInBeforeAndAfter()
    {
        var api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        var app = $"masked-{Guid.NewGuid().ToString("N")[..8]}";
        await api.CreateAppAsync(app, ("application", "properties"));
        await api.SetAsync(app, "dev", "application", "Db:Password", "hunter2");
        await api.SetAsync(app, "dev", "application", "Db:Password", "hunter3");
        await api.SetAsync(app, "dev", "application", "Stripe:ApiKey", "sk_live_1");
        await api.SetAsync(app, "dev", "application", "Db:Host", "db1");
        var trail = (await api.GetJsonAsync($"/api/v1/audit?app={app}")).ToString();
        foreach (var secret in new[] { "hunter2", "hunter3", "sk_live_1" }) Assert.DoesNotContain(secret, trail, StringComparison.Ordinal);
        var set = await One(api, "item.set", $"{app}/dev/application/Db:Password");
        Assert.Equal("***", Json(set, "before").GetProperty("value").GetString());
        Assert.Equal("db1", Json(await One(api, "item.add", $"{app}/dev/application/Db:Host"), "after").GetProperty("value").GetString());
    }

    /// <summary>Signs in through the login page's form, with its antiforgery token, as a browser does.</summary>
    private async Task<HttpResponseMessage> PostLoginFormAsync(string username, string password)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = server.Host.BaseAddress };
        var page = await browser.GetStringAsync("/login");
        var token = InputValue().Match(AntiforgeryInput().Match(page).Value).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the login page has an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["username"] = username,
            ["password"] = password,
        });
        return await browser.PostAsync("/account/login", form);
    }

    [GeneratedRegex("<input[^>]*__RequestVerificationToken[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex InputValue();

    private static async Task<JsonElement> One(ConfigCenterApiClient api, string action, string target)
    {
        var entries = await api.AuditEntriesAsync(action, target);
        var entry = Assert.Single(entries);
        AssertWho(entry);
        return entry;
    }

    private static void AssertWho(JsonElement entry)
    {
        Assert.Equal("admin", entry.GetProperty("actor").GetString());
        Assert.Equal(Loopback, entry.GetProperty("address").GetString());
        Assert.True(DateTimeOffset.UtcNow - entry.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
    }

    private static JsonElement Json(JsonElement entry, string field) => JsonDocument.Parse(entry.GetProperty(field).GetString()!).RootElement;

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

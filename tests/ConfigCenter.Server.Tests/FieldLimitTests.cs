using System.Net.Http.Json;
using System.Text;
using ConfigCenter.Core;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Every text field has a documented limit, enforced before anything is stored; request bodies too.</summary>
public sealed class FieldLimitTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private const string Draft = "/api/v1/apps/limits/envs/dev/namespaces/application";
    private ConfigCenterApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await _api.Http.DeleteAsync("/api/v1/apps/limits");
        await _api.CreateAppAsync("limits", ("application", "properties"));
        (await _api.SetItemAsync("limits", "dev", "application", "Greeting", "hello")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        _api.Http.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, object, string> OversizedFields => new()
    {
        { "POST", "/api/v1/apps", new { id = "long-name", name = new string('n', FieldLimits.MaxDisplayName + 1) }, "name" },
        { "POST", "/api/v1/apps", new { id = "long-description", name = "x", description = new string('d', FieldLimits.MaxDescription + 1) }, "description" },
        { "POST", "/api/v1/environments", new { id = "long-env", name = new string('n', FieldLimits.MaxDisplayName + 1) }, "name" },
        { "PUT", $"{Draft}/items/Greeting", new { value = "v", comment = new string('c', FieldLimits.MaxComment + 1) }, "comment" },
        { "PUT", $"{Draft}/items/{new string('k', ConfigKeys.MaxKeyLength + 1)}", new { value = "v" }, "key" },
        { "POST", $"{Draft}/releases", new { message = new string('m', FieldLimits.MaxReleaseMessage + 1) }, "message" },
        { "POST", "/api/v1/apps/limits/envs/dev/keys", new { name = new string('k', FieldLimits.MaxApiKeyName + 1) }, "name" },
        { "POST", "/api/v1/auth/token", new { username = new string('u', FieldLimits.MaxCredential + 1), password = "x" }, "username" },
    };

    [Theory]
    [MemberData(nameof(OversizedFields))]
    public async Task AFieldOverItsLimit_Answers400NamingTheFieldAndStoresNothing(string method, string path, object body, string field)
    {
        var before = await SnapshotAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body) };
        var problem = await HostileInputTests.AssertProblemAsync(await _api.Http.SendAsync(request), 400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains("limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task ABodyOverTheRequestLimit_Answers413()
    {
        var content = new string('x', (int)FieldLimits.MaxRequestBodyBytes + 1);
        using var body = new StringContent($"{{\"value\":\"{content}\"}}", Encoding.UTF8, "application/json");
        // Expect: 100-continue, as curl sends for large bodies: the server answers before the body is sent,
        // so the client is not cut off mid-upload (a broken pipe) when the server refuses it unread.
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Draft}/items/Big") { Content = body };
        request.Headers.ExpectContinue = true;
        var problem = await HostileInputTests.AssertProblemAsync(await _api.Http.SendAsync(request), 413);
        Assert.Contains(FieldLimits.MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AOneMebibyteDocumentOfQuotesAndNewlines_StillFitsTheRequestLimit()
    {
        (await _api.Http.PostAsJsonAsync("/api/v1/apps/limits/namespaces", new { name = "doc", format = "yaml" })).EnsureSuccessStatusCode();
        // Each line "k12345: \"\"\n"-style doubles in size once escaped as a JSON string.
        var yaml = new StringBuilder();
        for (var i = 0; yaml.Length < DocumentLimits.MaxDocumentBytes - 64; i++) yaml.Append('k').Append(i).Append(": '\"\"\"\"'\n");
        (await _api.SetContentAsync("limits", "dev", "doc", yaml.ToString())).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("100%")]
    [InlineData("a%2Fb")]
    [InlineData("Path:with space")]
    public async Task AKeyEscapedInTheUrl_IsStoredDecodedExactlyOnce(string key)
    {
        var response = await _api.SetItemAsync("limits", "dev", "application", key, "v");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Contains(key, await KeysAsync());

        (await _api.Http.DeleteAsync($"{Draft}/items/{Uri.EscapeDataString(key)}")).EnsureSuccessStatusCode();
        Assert.DoesNotContain(key, await KeysAsync());
    }

    [Fact]
    public async Task ConcurrentWritesOfANewKey_AnswerOneCreatedAndAuditWhatHappened()
    {
        // Several rounds, because a round only exercises the retry when two writers really overlap.
        for (var round = 0; round < 8; round++)
        {
            var key = $"Race{round}";
            var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _api.SetItemAsync("limits", "dev", "application", key, $"{i}")));

            Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
            Assert.Single(responses, r => r.StatusCode == System.Net.HttpStatusCode.Created);
            var audit = (await _api.GetJsonAsync("/api/v1/audit?app=limits&take=1000")).EnumerateArray()
                .Where(e => e.GetProperty("target").GetString() == $"limits/dev/application/{key}")
                .Select(e => e.GetProperty("action").GetString()).ToList();
            Assert.Single(audit, a => a == "item.add");
            Assert.Equal(15, audit.Count(a => a == "item.set"));
        }
    }

    private async Task<List<string?>> KeysAsync() =>
        (await _api.GetJsonAsync(Draft)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();

    private async Task<string> SnapshotAsync() =>
        await _api.Http.GetStringAsync("/api/v1/apps") + await _api.Http.GetStringAsync("/api/v1/environments")
        + await _api.Http.GetStringAsync(Draft) + await _api.Http.GetStringAsync($"{Draft}/releases")
        + await _api.Http.GetStringAsync("/api/v1/apps/limits/envs/dev/keys");
}

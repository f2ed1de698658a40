using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Every refused request answers with problem details and leaves the data as it was.</summary>
public sealed class BadInputTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private ConfigCenterApiClient _api = null!;

    public async Task InitializeAsync()
    {
        // Each test gets its own app "shop" on the shared server, so tests cannot see each other's edits.
        _api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await _api.Http.DeleteAsync("/api/v1/apps/shop");
        await _api.CreateAppAsync("shop", ("application", "properties"), ("settings", "json"), ("rules", "yaml"));
        (await _api.SetItemAsync("shop", "dev", "application", "Greeting", "hello")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, int> BadNames => new()
    {
        { "/api/v1/apps", """{"id":"Bad_Name","name":"x"}""", 400 },
        { "/api/v1/apps", """{"id":"-leading","name":"x"}""", 400 },
        { "/api/v1/apps", """{"id":"","name":"x"}""", 400 },
        { "/api/v1/apps", """{"id":"shop","name":"again"}""", 409 },
        { "/api/v1/apps/shop/namespaces", """{"name":"UPPER","format":"properties"}""", 400 },
        { "/api/v1/apps/shop/namespaces", """{"name":"ok-name","format":"xml"}""", 400 },
        { "/api/v1/apps/shop/namespaces", """{"name":"application","format":"properties"}""", 409 },
        { "/api/v1/apps/nope/namespaces", """{"name":"x","format":"json"}""", 404 },
        { "/api/v1/environments", """{"id":"Prod!"}""", 400 },
        { "/api/v1/apps", """{"id": """, 400 },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Create_WithBadInput_AnswersProblemDetailsAndCreatesNothing(string path, string body, int status)
    {
        var before = await SnapshotAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _api.Http.PostAsync(path, content);
        await AssertProblemAsync(response, status);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("a::b")]
    [InlineData(":leading")]
    [InlineData("trailing:")]
    [InlineData(" padded")]
    public async Task SetItem_WithBadKey_Answers400WithTheField(string key)
    {
        var response = await _api.SetItemAsync("shop", "dev", "application", key, "v");
        var problem = await AssertProblemAsync(response, 400);
        Assert.Equal("key", problem.GetProperty("field").GetString());
        Assert.DoesNotContain(key, (await DraftAsync("application")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task SetItem_DifferingOnlyByCase_Answers409AndKeepsTheOriginal()
    {
        var response = await _api.SetItemAsync("shop", "dev", "application", "GREETING", "shout");
        var problem = await AssertProblemAsync(response, 409);
        Assert.Contains("case", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var items = (await DraftAsync("application")).GetProperty("items").EnumerateArray().ToList();
        Assert.Single(items);
        Assert.Equal("hello", items[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task SetContent_WithInvalidJson_Answers400WithLineAndColumn()
    {
        var before = await DraftAsync("settings");
        var response = await _api.SetContentAsync("shop", "dev", "settings", "{\n  \"a\": 1,\n  \"b\": ]\n}");
        var problem = await AssertProblemAsync(response, 400);
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.True(problem.GetProperty("column").GetInt32() > 0);
        Assert.Equal(before.GetProperty("content").GetString(), (await DraftAsync("settings")).GetProperty("content").GetString());
    }

    [Fact]
    public async Task SetContent_WithInvalidYaml_Answers400WithLineAndColumn()
    {
        var response = await _api.SetContentAsync("shop", "dev", "rules", "a: 1\nb: [1, 2\nc: 3\n");
        var problem = await AssertProblemAsync(response, 400);
        Assert.True(problem.GetProperty("line").GetInt32() >= 2);
    }

    [Fact]
    public async Task SetContent_OverTheSizeLimit_Answers400()
    {
        var huge = "{\"a\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        var problem = await AssertProblemAsync(await _api.SetContentAsync("shop", "dev", "settings", huge), 400);
        Assert.Contains("limit", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SetItem_WithStaleIfMatch_Answers412AndKeepsTheOtherEdit()
    {
        var draft = await _api.Http.GetAsync(ConfigCenterApiClient.Ns("shop", "dev", "application"));
        var etag = draft.Headers.ETag!.Tag;
        (await _api.SetItemAsync("shop", "dev", "application", "Greeting", "first writer")).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"{ConfigCenterApiClient.Ns("shop", "dev", "application")}/items/Greeting")
        {
            Content = JsonContent.Create(new { value = "second writer" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        await AssertProblemAsync(await _api.Http.SendAsync(request), 412);
        var items = (await DraftAsync("application")).GetProperty("items").EnumerateArray();
        Assert.Equal("first writer", items.Single().GetProperty("value").GetString());
    }

    [Fact]
    public async Task Publish_WithNoChanges_Answers409WithAClearMessage()
    {
        await _api.PublishAsync("shop", "dev", "application");
        var problem = await AssertProblemAsync(await _api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns("shop", "dev", "application")}/releases", new { message = "again" }), 409);
        Assert.Contains("Nothing to publish", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single((await _api.GetJsonAsync($"{ConfigCenterApiClient.Ns("shop", "dev", "application")}/releases")).EnumerateArray());
    }

    [Fact]
    public async Task Rollback_ToAMissingRevision_Answers404AndPublishesNothing()
    {
        var response = await _api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns("shop", "dev", "application")}/releases/42/rollback", new { message = "x" });
        await AssertProblemAsync(response, 404);
        Assert.Empty((await _api.GetJsonAsync($"{ConfigCenterApiClient.Ns("shop", "dev", "application")}/releases")).EnumerateArray());
    }

    [Theory]
    [InlineData("/api/v1/apps/ghost/envs/dev/namespaces/application")]
    [InlineData("/api/v1/apps/shop/envs/nowhere/namespaces/application")]
    [InlineData("/api/v1/apps/shop/envs/dev/namespaces/missing")]
    [InlineData("/api/v1/apps/shop/envs/dev/namespaces/application/releases/9")]
    public async Task Get_UnknownAppEnvOrNamespace_Answers404(string path) =>
        await AssertProblemAsync(await _api.Http.GetAsync(path), 404);

    private async Task<JsonElement> DraftAsync(string ns) => await _api.GetJsonAsync(ConfigCenterApiClient.Ns("shop", "dev", ns));

    private async Task<string> SnapshotAsync()
    {
        var apps = await _api.Http.GetStringAsync("/api/v1/apps");
        var namespaces = await _api.Http.GetStringAsync("/api/v1/apps/shop/namespaces");
        var envs = await _api.Http.GetStringAsync("/api/v1/environments");
        return apps + namespaces + envs;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), "the problem has a human sentence");
        return problem;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// Input built to hurt the server (deep or aliased documents, oversized fields and bodies, escaped keys,
/// unsafe return URLs) is answered with 4xx problem details quickly, stores nothing and leaves the server up.
/// </summary>
public sealed partial class HostileInputTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private ConfigCenterApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await _api.Http.DeleteAsync("/api/v1/apps/hostile");
        await _api.CreateAppAsync("hostile", ("application", "properties"), ("settings", "json"), ("rules", "yaml"));
        (await _api.SetContentAsync("hostile", "dev", "rules", "safe: 1\n")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        _api.Http.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, string> HostileDocuments => new()
    {
        // 20,000 levels of flow mappings, about 100 KB: overflowed the stack and killed the process.
        { "rules", Testing.HostileDocuments.DeepYaml(20_000), "64 levels" },
        // The 330-byte alias bomb: 9^9 leaves once expanded (17 s and 1.4 GB before the limit).
        { "rules", Testing.HostileDocuments.YamlAliasBomb(), "aliases" },
        { "settings", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", 20_000)) + "1" + new string('}', 20_001), "64" },
        { "settings", "{\"a\":\"\\ud800\"}", "surrogate" },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public async Task SetContent_WithAHostileDocument_Answers400WithinASecondAndStoresNothing(string ns, string document, string limit)
    {
        var before = await DraftContentAsync(ns);
        var clock = Stopwatch.StartNew();
        var response = await _api.SetContentAsync("hostile", "dev", ns, document);
        clock.Stop();

        var problem = await AssertProblemAsync(response, 400);
        // A hang or bomb guard: unguarded, these took 17-28 s. The within-a-second figure is the hostile benchmark's.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        Assert.Equal("content", problem.GetProperty("field").GetString());
        Assert.Contains(limit, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await DraftContentAsync(ns));
        using var anonymous = server.Host.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task SetContent_WithAYamlDepthError_PointsAtTheLineAndColumn()
    {
        var yaml = "ok: 1\nnested: " + string.Concat(Enumerable.Repeat("[", 100)) + new string(']', 100) + "\n";
        var problem = await AssertProblemAsync(await _api.SetContentAsync("hostile", "dev", "rules", yaml), 400);
        Assert.Equal(2, problem.GetProperty("line").GetInt32());
        Assert.True(problem.GetProperty("column").GetInt32() > 60);
    }

    [Theory]
    [InlineData("POST", "/api/v1/apps", "{\"id\":\"surrogate\",\"name\":\"\\ud800\"}")]
    [InlineData("PUT", "/api/v1/apps/hostile/envs/dev/namespaces/application/items/Key", "{\"value\":\"\\udc00x\"}")]
    [InlineData("POST", "/api/v1/apps/hostile/envs/dev/namespaces/application/releases", "{\"message\":\"\\ud800\"}")]
    public async Task ALoneSurrogateInARequestBody_Answers400(string method, string path, string json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        await AssertProblemAsync(await _api.Http.SendAsync(request), 400);
    }

    [Theory]
    [InlineData("GET", "/api/v1/apps/hostile/envs/dev/namespaces/application/releases/abc", null)]
    [InlineData("GET", "/api/v1/apps/hostile/envs/dev/namespaces/application/releases/1/diff?against=x", null)]
    [InlineData("GET", "/api/v1/audit?take=lots", null)]
    [InlineData("PUT", "/api/v1/apps/hostile/envs/dev/namespaces/application/items/Key", "[1,2]")]
    [InlineData("PUT", "/api/v1/apps/hostile/envs/dev/namespaces/application/items/Key", "")]
    [InlineData("POST", "/api/v1/apps", "{\"id\":5}")]
    [InlineData("POST", "/api/v1/apps/hostile/envs/dev/namespaces/application/releases/99999999999999999999/rollback", "{}")]
    [InlineData("PUT", "/api/v1/apps/hostile/envs/dev/namespaces/settings/content", "{\"content\":null}")]
    [InlineData("DELETE", "/api/v1/apps/hostile/envs/dev/keys/abc", null)]
    public async Task MalformedRequests_AnswerAClientErrorNeverA500(string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _api.Http.SendAsync(request);
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{method} {path}: {status} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task Login_WithAnOffSiteReturnUrl_RedirectsHome(string returnUrl)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = server.Host.BaseAddress };
        var page = await browser.GetStringAsync($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var input = AntiforgeryInput().Match(page).Value;
        var token = InputValue().Match(input).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the login page has an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["username"] = "admin",
            ["password"] = ConfigCenterServerHost.AdminPassword,
            ["returnUrl"] = returnUrl,
        });

        using var response = await browser.PostAsync("/account/login", form);

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    private async Task<string?> DraftContentAsync(string ns) =>
        (await _api.GetJsonAsync(ConfigCenterApiClient.Ns("hostile", "dev", ns))).GetProperty("content").GetString();

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), "the problem has a human sentence");
        return problem;
    }

    [GeneratedRegex("<input[^>]*__RequestVerificationToken[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex InputValue();
}

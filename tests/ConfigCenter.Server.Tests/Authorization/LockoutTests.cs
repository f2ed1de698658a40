using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>Failed sign-ins lock the user name and the client address; the token endpoint and the UI login both honour it.</summary>
public sealed partial class LockoutTests : IAsyncLifetime
{
    private const string Password = "lockout-password-1";
    private ConfigCenterServerHost _host = null!;
    private ConfigCenterApiClient _admin = null!;

    public async Task InitializeAsync()
    {
        // A fresh server per test: the address counter (all tests come from 127.0.0.1) starts at zero.
        _host = await ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:SignIn:MaxFailuresPerUser"] = "3",
            ["ConfigCenter:SignIn:MaxFailuresPerAddress"] = "6",
            ["ConfigCenter:SignIn:Window"] = "00:05:00",
            ["ConfigCenter:SignIn:Lockout"] = "00:00:03",
        });
        _admin = new ConfigCenterApiClient(await _host.CreateAdminClientAsync());
    }

    public async Task DisposeAsync()
    {
        _admin.Http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ThreeFailures_LockTheUser_EvenForTheRightPassword_UntilTheLockoutEnds()
    {
        await _admin.CreateUserAsync("guessed", Password);
        using var anonymous = _host.CreateHttpClient();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(anonymous, "guessed", "wrong-password-" + i)).StatusCode);

        using var locked = await TokenAsync(anonymous, "guessed", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var audit = await _admin.GetJsonAsync("/api/v1/audit?take=50");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "auth.lockout");
        Assert.Equal(3, audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "auth.signin.failed"));

        await WaitFor.ConditionAsync(async () => (await TokenAsync(anonymous, "guessed", Password)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the 3-second lockout ends");
    }

    [Fact]
    public async Task LockedUser_IsListedForAdmins_AndAnAdminCanUnlock()
    {
        var id = await _admin.CreateUserAsync("locked-out", Password);
        using var anonymous = _host.CreateHttpClient();
        for (var i = 0; i < 3; i++) await TokenAsync(anonymous, "locked-out", "nope-" + i);
        var listed = (await _admin.GetJsonAsync("/api/v1/users")).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "locked-out");
        Assert.Equal(System.Text.Json.JsonValueKind.String, listed.GetProperty("lockedUntil").ValueKind);

        (await _admin.Http.PostAsync($"/api/v1/users/{id}/unlock", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(anonymous, "locked-out", Password)).StatusCode);
    }

    [Fact]
    public async Task ManyFailuresFromOneAddress_LockTheAddress_ForEveryUserName()
    {
        await _admin.CreateUserAsync("innocent", Password);
        using var anonymous = _host.CreateHttpClient();
        // Two failures each for three names: no name reaches its limit, the address (6) does.
        foreach (var name in new[] { "spray-a", "spray-b", "spray-c" })
        {
            for (var i = 0; i < 2; i++) await TokenAsync(anonymous, name, "guess-" + i);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(anonymous, "innocent", Password)).StatusCode);
    }

    [Fact]
    public async Task UiLogin_HonoursTheLockout()
    {
        await _admin.CreateUserAsync("browser", Password);
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = _host.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            using var failed = await LoginAsync(browser, "browser", "wrong-" + i);
            Assert.Contains("error=1", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        using var refused = await LoginAsync(browser, "browser", Password);
        Assert.Contains("error=locked", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(cookies.GetCookies(_host.BaseAddress).Cast<Cookie>(), c => c.Name == "configcenter.auth");
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password });

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient browser, string user, string password)
    {
        var page = await browser.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the login page has an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["username"] = user,
            ["password"] = password,
            ["returnUrl"] = "/",
        });
        return await browser.PostAsync("/account/login", form);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

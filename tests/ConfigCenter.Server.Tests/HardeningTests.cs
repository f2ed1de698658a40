using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Security headers on every response, cookie flags, forwarded headers from known proxies only, and the Production transport check.</summary>
public sealed class HardeningTests
{
    private const string ForwardedClient = "203.0.113.7";

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndNoHstsInDevelopment()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var client = host.CreateHttpClient();
        foreach (var path in new[] { "/login", "/css/app.css", "/api/v1/apps", "/health/live", "/no-such-page", "/api/v1/audit/verify" })
        {
            using var response = await client.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}';", csp);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), path);
        }
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnUnknownPeer_AreIgnored()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        var user = $"probe-{Guid.NewGuid().ToString("N")[..8]}";

        await FailSignInAsync(host, user);
        using var login = await GetLoginThroughProxyAsync(host);

        Assert.Equal("127.0.0.1", await AuditAddressAsync(host, user));
        Assert.All(login.Headers.GetValues("Set-Cookie"), cookie =>
        {
            Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task ForwardedHeaders_FromAKnownProxy_GiveTheClientsAddress_AndHttpsMakesCookiesSecure()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?> { ["ConfigCenter:Proxy:KnownProxies:0"] = "127.0.0.1" });
        var user = $"probe-{Guid.NewGuid().ToString("N")[..8]}";

        await FailSignInAsync(host, user);
        using var login = await GetLoginThroughProxyAsync(host);

        Assert.Equal(ForwardedClient, await AuditAddressAsync(host, user));
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie =>
        {
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite", cookie, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task OutsideDevelopment_HstsOnHttps_AndCookiesAlwaysSecure()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(environment: "Staging",
            settings: new Dictionary<string, string?> { ["ConfigCenter:Proxy:KnownNetworks:0"] = "127.0.0.0/8" });
        using var client = host.CreateHttpClient();
        using (var plain = await client.GetAsync("/login"))
        {
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
            Assert.All(plain.Headers.GetValues("Set-Cookie"), cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
        }
        using var https = await GetLoginThroughProxyAsync(host);
        Assert.StartsWith("max-age=", Header(https, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithoutHttpsOrProxy_RefusesToStart_NamingTheSettings()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(environment: "Production"));
        Assert.Contains("ConfigCenter:Proxy:KnownProxies", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("https://", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_BehindAConfiguredProxy_Starts()
    {
        await using var host = await ConfigCenterServerHost.StartAsync(environment: "Production",
            settings: new Dictionary<string, string?> { ["ConfigCenter:Proxy:KnownProxies:0"] = "10.0.0.5" });
        using var client = host.CreateHttpClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task ProxySetting_ThatIsNotAnAddress_StopsTheStart_NamingIt()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["ConfigCenter:Proxy:KnownProxies:0"] = "not-an-ip" }));
        Assert.Contains("ConfigCenter:Proxy", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task FailSignInAsync(ConfigCenterServerHost host, string user)
    {
        using var client = host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = JsonContent.Create(new { username = user, password = "wrong-password" }) };
        request.Headers.Add("X-Forwarded-For", ForwardedClient);
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetLoginThroughProxyAsync(ConfigCenterServerHost host)
    {
        using var client = host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Add("X-Forwarded-For", ForwardedClient);
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<string?> AuditAddressAsync(ConfigCenterServerHost host, string user)
    {
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var entry = Assert.Single((await api.GetJsonAsync($"/api/v1/audit?actor={user}")).EnumerateArray());
        Assert.Equal("auth.signin.failed", entry.GetProperty("action").GetString());
        return entry.GetProperty("address").GetString();
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";
}

using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>There is no default password.</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task Production_WithAShortAdminPassword_RefusesToStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Bootstrap:AdminPassword"] = "admin",
            // Behind a proxy, so the Production HTTPS check passes and the password check is what refuses.
            ["ConfigCenter:Proxy:KnownProxies:0"] = "10.0.0.5",
        }, environment: "Production"));
        Assert.Contains("AdminPassword", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPassword_ComesFromConfiguration_AndCommonGuessesFail()
    {
        await using var host = await ConfigCenterServerHost.StartAsync();
        using var client = host.CreateHttpClient();
        foreach (var guess in new[] { "admin", "password", "123456", "configcenter" })
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = guess });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var ok = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = ConfigCenterServerHost.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}

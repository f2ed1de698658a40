using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>Signing out, disabling a user and changing a password end the user's other sessions at once.</summary>
public sealed class SessionTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private const string Password = "session-password-1";
    private ConfigCenterApiClient _admin = null!;

    public async Task InitializeAsync() => _admin = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());

    public Task DisposeAsync()
    {
        _admin.Http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SigningOut_EndsTheUsersOtherBearerTokens()
    {
        await _admin.CreateUserAsync("leaver", Password);
        using var other = await server.Host.CreateUserClientAsync("leaver", Password);
        using var signingOut = await server.Host.CreateUserClientAsync("leaver", Password);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/me")).StatusCode);

        using var logout = await signingOut.PostAsync("/account/logout", null);
        Assert.Equal("/login", logout.RequestMessage!.RequestUri!.AbsolutePath); // redirected to the sign-in page

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/me")).StatusCode);
        using var again = await server.Host.CreateUserClientAsync("leaver", Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task DisablingAUser_EndsTheirTokensAndRefusesSignIn_UntilEnabled()
    {
        var id = await _admin.CreateUserAsync("suspended", Password);
        using var session = await server.Host.CreateUserClientAsync("suspended", Password);
        (await _admin.Http.PostAsync($"/api/v1/users/{id}/disable", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/me")).StatusCode);
        using var anonymous = server.Host.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "suspended", password = Password })).StatusCode);
        var listed = (await _admin.GetJsonAsync("/api/v1/users")).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "suspended");
        Assert.True(listed.GetProperty("disabled").GetBoolean());

        (await _admin.Http.PostAsync($"/api/v1/users/{id}/enable", null)).EnsureSuccessStatusCode();
        using var back = await server.Host.CreateUserClientAsync("suspended", Password);
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task ChangingOwnPassword_EndsOtherSessions_AndOnlyTheNewPasswordWorks()
    {
        await _admin.CreateUserAsync("rotator", Password);
        using var other = await server.Host.CreateUserClientAsync("rotator", Password);
        using var self = await server.Host.CreateUserClientAsync("rotator", Password);

        using var wrong = await self.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "not-it-at-all", newPassword = "a-brand-new-password" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        using var tooShort = await self.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = Password, newPassword = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("newPassword", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var changed = await self.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = Password, newPassword = "a-brand-new-password" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/me")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Host.CreateUserClientAsync("rotator", Password));
        using var renewed = await server.Host.CreateUserClientAsync("rotator", "a-brand-new-password");
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task AdminReset_RequiresAPasswordChange_BeforeAnythingElse()
    {
        var id = await _admin.CreateUserAsync("forgetful", Password);
        (await _admin.Http.PostAsJsonAsync($"/api/v1/users/{id}/password", new { password = "temporary-password-1", mustChangePassword = true })).EnsureSuccessStatusCode();
        using var session = await server.Host.CreateUserClientAsync("forgetful", "temporary-password-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync("/api/v1/environments")).StatusCode);
        Assert.True((await new ConfigCenterApiClient(session).GetJsonAsync("/api/v1/me")).GetProperty("mustChangePassword").GetBoolean());
        (await session.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "temporary-password-1", newPassword = "my-own-password-1" })).EnsureSuccessStatusCode();
        using var renewed = await server.Host.CreateUserClientAsync("forgetful", "my-own-password-1");
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/v1/environments")).StatusCode);
    }
}

/// <summary>In Production the bootstrap admin sets their own password at first sign-in; nothing else works until then.</summary>
public sealed class ProductionBootstrapTests
{
    [Fact]
    public async Task BootstrapAdmin_InProduction_MustChangeThePasswordFirst()
    {
        // Behind a TLS-terminating proxy, so the Production HTTPS check lets the plain-HTTP test host start.
        await using var host = await ConfigCenterServerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["ConfigCenter:Proxy:KnownProxies:0"] = "10.0.0.5" }, environment: "Production");
        using var admin = await host.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/apps")).StatusCode);
        Assert.True((await new ConfigCenterApiClient(admin).GetJsonAsync("/api/v1/me")).GetProperty("mustChangePassword").GetBoolean());

        (await admin.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = ConfigCenterServerHost.AdminPassword, newPassword = "the-admins-own-password" }))
            .EnsureSuccessStatusCode();

        using var renewed = await host.CreateUserClientAsync("admin", "the-admins-own-password");
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/v1/apps")).StatusCode);
    }
}

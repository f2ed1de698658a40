using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConfigCenter.Gateway.Tests;

/// <summary>Per-route authorization, rate limits and forwarded headers through the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewaySecurityTests(GatewayFixture fixture)
{
    private const string Service = "svc-secure";
    private const string Issuer = "https://issuer.test";
    private const string Audience = "orders-api";
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private static string Routes => $$"""
        {
          "Jwt": { "Issuer": "{{Issuer}}", "Audience": "{{Audience}}", "SigningKeys": [ "{{Convert.ToBase64String(SigningKey)}}" ] },
          "RateLimits": { "three": { "PermitLimit": 3, "Window": "00:00:30" }, "percaller": { "PermitLimit": 2, "Window": "00:00:30", "Partition": "caller" } },
          "Routes": {
            "jwt": { "Match": { "Path": "/jwt/{**rest}" }, "Service": "{{Service}}", "Authorization": "jwt", "Transforms": [ { "PathRemovePrefix": "/jwt" } ] },
            "key": { "Match": { "Path": "/key/{**rest}" }, "Service": "{{Service}}", "Authorization": "apikey", "Transforms": [ { "PathRemovePrefix": "/key" } ] },
            "limited": { "Match": { "Path": "/limited/{**rest}" }, "Service": "{{Service}}", "RateLimitPolicy": "three", "Transforms": [ { "PathRemovePrefix": "/limited" } ] },
            "percaller": { "Match": { "Path": "/percaller/{**rest}" }, "Service": "{{Service}}", "Authorization": "jwt", "RateLimitPolicy": "percaller", "Transforms": [ { "PathRemovePrefix": "/percaller" } ] },
            "open": { "Match": { "Path": "/open/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/open" } ] }
          }
        }
        """;

    [Fact]
    public async Task JwtRoute_RefusesAnonymousAndWrongAudience_AndAcceptsAValidToken()
    {
        await using var service = await StartWithRoutesAsync();

        using (var anonymous = await SendAsync("/jwt/whoami", token: null)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var wrongAudience = await SendAsync("/jwt/whoami", Token(audience: "someone-else"))) Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        using (var wrongKey = await SendAsync("/jwt/whoami", Token(key: RandomNumberGenerator.GetBytes(32)))) Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        using var valid = await SendAsync("/jwt/whoami", Token());
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Contains(service.InstanceId, await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtRouteWithAnAuthority_ValidatesWithItsDiscoveryAndJwks_RefusingAnonymousAndWrongAudience()
    {
        await using var authority = await OidcAuthority.StartAsync();
        await using var service = await TestService.StartAsync(fixture, Service);
        await fixture.WaitRegisteredAsync(Service, service.InstanceId);
        await fixture.PublishRoutesAsync($$"""
            {
              "Jwt": { "Authority": "{{authority.Issuer}}", "Audience": "{{Audience}}" },
              "Routes": {
                "oidc": { "Match": { "Path": "/oidc/{**rest}" }, "Service": "{{Service}}", "Authorization": "jwt", "Transforms": [ { "PathRemovePrefix": "/oidc" } ] },
                "open": { "Match": { "Path": "/open/{**rest}" }, "Service": "{{Service}}", "Transforms": [ { "PathRemovePrefix": "/open" } ] }
              }
            }
            """);
        await fixture.WaitRoutedAsync(Service, "/open/whoami", service.InstanceId);
        await WaitForRouteAsync("/oidc/whoami");

        using (var anonymous = await SendAsync("/oidc/whoami", token: null)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var wrongAudience = await SendAsync("/oidc/whoami", authority.Token(audience: "someone-else")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        }
        using (var otherKey = RSA.Create(2048))
        using (var unpublishedKey = await SendAsync("/oidc/whoami", authority.Token(Audience, otherKey)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unpublishedKey.StatusCode);
        }
        using var valid = await SendAsync("/oidc/whoami", authority.Token(Audience));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Contains(service.InstanceId, await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The key came from the authority's JWKS, fetched by the gateway.
        Assert.True(authority.JwksRequests > 0, "the gateway never fetched the JWKS");
    }

    [Fact]
    public async Task RateLimitedRoute_Answers429WithRetryAfter_PastTheLimit_PerRouteAndPerCaller()
    {
        await using var service = await StartWithRoutesAsync();

        for (var i = 0; i < 3; i++)
        {
            using var ok = await SendAsync("/limited/whoami", token: null);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await SendAsync("/limited/whoami", token: null);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 30);
        // Another route is not affected.
        using (var open = await SendAsync("/open/whoami", token: null)) Assert.Equal(HttpStatusCode.OK, open.StatusCode);

        // Per caller: alice's budget does not spend bob's.
        var alice = Token(subject: "alice");
        var bob = Token(subject: "bob");
        for (var i = 0; i < 2; i++)
        {
            using var ok = await SendAsync("/percaller/whoami", alice);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var aliceLimited = await SendAsync("/percaller/whoami", alice)) Assert.Equal(HttpStatusCode.TooManyRequests, aliceLimited.StatusCode);
        using (var bobOk = await SendAsync("/percaller/whoami", bob)) Assert.Equal(HttpStatusCode.OK, bobOk.StatusCode);
    }

    [Fact]
    public async Task ApiKeyRoute_AcceptsALiveConfigCenterKey_AndStopsAcceptingItAfterRevocation()
    {
        await using var service = await StartWithRoutesAsync();
        var key = await fixture.Api.CreateApiKeyAsync(GatewayFixture.GatewayApp, GatewayFixture.Env);

        using (var none = await SendAsync("/key/whoami", token: null)) Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using (var bogus = await SendAsync("/key/whoami", token: null, apiKey: "cck_not-a-key")) Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
        using (var live = await SendAsync("/key/whoami", token: null, apiKey: key)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var keys = await fixture.Api.GetJsonAsync($"/api/v1/apps/{GatewayFixture.GatewayApp}/envs/{GatewayFixture.Env}/keys");
        var id = keys.EnumerateArray().Select(k => k.GetProperty("id").GetInt32()).Max();
        using (var revoked = await fixture.Api.Http.DeleteAsync($"/api/v1/apps/{GatewayFixture.GatewayApp}/envs/{GatewayFixture.Env}/keys/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        // The gateway caches answers for Gateway:ApiKeyCacheDuration (1 s in these tests).
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await SendAsync("/key/whoami", token: null, apiKey: key);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(3), "the revoked key is refused");
    }

    [Fact]
    public async Task ForwardedHeaders_FromTheClientAreReplaced_ByTheGatewaysOwn()
    {
        await using var service = await StartWithRoutesAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Gateway.BaseAddress, "/open/headers"));
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Forwarded", "for=6.6.6.6;proto=https");

        using var response = await fixture.Http.SendAsync(request);
        var headers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", headers.GetProperty("X-Forwarded-For").GetString());
        Assert.Equal("http", headers.GetProperty("X-Forwarded-Proto").GetString());
        Assert.Equal($"127.0.0.1:{fixture.Gateway.Port}", headers.GetProperty("X-Forwarded-Host").GetString());
        Assert.False(headers.TryGetProperty("Forwarded", out _), "the client's Forwarded header reached the service");
    }

    private async Task<TestService> StartWithRoutesAsync()
    {
        var service = await TestService.StartAsync(fixture, Service);
        try
        {
            await fixture.WaitRegisteredAsync(Service, service.InstanceId);
            await fixture.PublishRoutesAsync(Routes);
            await fixture.WaitRoutedAsync(Service, "/open/whoami", service.InstanceId);
            await WaitForRouteAsync("/key/whoami");
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// "/open" is in every release these tests publish, so it may still be routed by an earlier test's release: wait until
    /// a route only this release has answers something other than 404 (an anonymous request to it gets 401).
    /// </summary>
    private Task WaitForRouteAsync(string path) =>
        WaitFor.ConditionAsync(async () =>
        {
            using var probe = await SendAsync(path, token: null);
            return probe.StatusCode != HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(10), $"{path} to be routed by this test's release");

    private async Task<HttpResponseMessage> SendAsync(string path, string? token, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Gateway.BaseAddress, path));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return await fixture.Http.SendAsync(request);
    }

    private static string Token(string audience = Audience, byte[]? key = null, string subject = "alice") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
}

using System.Net;
using ConfigCenter.Server.Features.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>Every endpoint, hub method and page declares its policy; what declares none is refused by the fallback policy.</summary>
public sealed class DenyByDefaultTests(StandaloneServerFixture server, ITestOutputHelper output) : IClassFixture<StandaloneServerFixture>
{
    [Fact]
    public void EveryEndpoint_DeclaresAPolicyOrIsAnAllowListedAnonymousOne()
    {
        var endpoints = DeclaredEndpoints.Read(server.Host.Services);
        foreach (var e in endpoints.Where(e => !e.IsStaticAsset)) output.WriteLine(e.ToString());
        Assert.Contains(endpoints, e => e.Pattern == "/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases" && e.Method == "POST");
        Assert.Contains(endpoints, e => e.Pattern == "/apps/{App}/{Env}/{Ns}");
        Assert.Contains(endpoints, e => e.Pattern.StartsWith("/hubs/config", StringComparison.Ordinal));
        var violations = endpoints.Select(e => (e, Why: DeclaredEndpoints.Violation(e))).Where(v => v.Why is not null).Select(v => $"{v.e} {v.Why}").ToList();
        Assert.True(violations.Count == 0, "Endpoints without an explicit policy:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryHubMethod_DeclaresAPolicy()
    {
        var methods = DeclaredEndpoints.HubMethods(typeof(Program).Assembly);
        Assert.Contains(methods, m => m.Name == "Subscribe");
        var missing = methods.Where(m => m.Anonymous || m.Policies.Count == 0 || m.Policies.Any(p => p.StartsWith('('))).Select(m => $"{m.Hub.Name}.{m.Name}").ToList();
        Assert.True(missing.Count == 0, "Hub methods without an explicit policy: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheFallbackPolicy_RequiresASignedInUser()
    {
        var options = server.Host.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        var fallback = Assert.IsType<AuthorizationPolicy>(options.FallbackPolicy);
        Assert.Contains(fallback.Requirements, r => r is Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement);
        Assert.Contains(fallback.Requirements, r => r is ActiveUserRequirement);
    }

    [Fact]
    public async Task AnUnknownPath_Answers404()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var anonymous = new HttpClient(handler) { BaseAddress = server.Host.BaseAddress };
        using var response = await anonymous.GetAsync("/api/v1/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

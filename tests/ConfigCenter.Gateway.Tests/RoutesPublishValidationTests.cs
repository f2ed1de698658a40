using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests;

/// <summary>The server refuses, through its REST API, a routes release the gateway would reject.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RoutesPublishValidationTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/r/{**rest}" }, "Service": "no-such-service" } } }""", "Routes:r:Service", "no-such-service")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/r/{**rest}" }, "Service": "gateway", "Canary": { "Version": "2", "Header": "X-C", "HeaderPattern": "(unclosed" } } } }""", "Routes:r:Canary:HeaderPattern", "regular expression")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/r/{**rest}" }, "Service": "gateway", "RateLimitPolicy": "missing" } } }""", "Routes:r:RateLimitPolicy", "missing")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/r/{**rest}" }, "Service": "gateway", "Authorization": "jwt" } } }""", "Routes:r:Authorization", "Jwt")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/r/{id" }, "Service": "gateway" } } }""", "Routes:r:Match:Path", "route template")]
    public async Task ABadRoutesRelease_IsRefusedWith400_NamingTheField(string routes, string field, string mentions)
    {
        var before = await RevisionAsync();
        await fixture.Api.SetDocumentAsync(GatewayFixture.GatewayApp, GatewayFixture.Env, GatewayFixture.RoutesNamespace, routes);

        using var response = await fixture.Api.Http.PostAsJsonAsync(
            $"{ConfigCenterApiClient.Ns(GatewayFixture.GatewayApp, GatewayFixture.Env, GatewayFixture.RoutesNamespace)}/releases", new { message = "bad" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await RevisionAsync());
    }

    [Fact]
    public async Task ARouteToARegisteredServiceWithoutAnApp_OrToAnApp_IsPublished()
    {
        var (sample, _) = await fixture.StartSampleAsync("svc-registered-only");
        await using var _s = sample;
        await WaitFor.ConditionAsync(async () => (await fixture.Api.GetJsonAsync($"/api/v1/registry/{GatewayFixture.Env}/services"))
            .ToString().Contains("svc-registered-only", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the sample is registered");

        var revision = await fixture.PublishRoutesAsync("""
            { "Routes": {
                "a": { "Match": { "Path": "/a/{**rest}" }, "Service": "svc-registered-only" },
                "b": { "Match": { "Path": "/b/{**rest}" }, "Service": "gateway" } } }
            """);

        Assert.True(revision > 0);
    }

    [Fact]
    public async Task RollingBackToARelease_ThatWouldNowBeRefused_IsRefusedWith400_NamingTheField()
    {
        const string Service = "svc-rollback-gone";
        var instance = await TestService.StartAsync(fixture, Service);
        long withService;
        try
        {
            await fixture.WaitRegisteredAsync(Service, instance.InstanceId);
            // Known only through its registered instance (there is no app of that name).
            withService = await fixture.PublishRoutesAsync($$"""
                { "Routes": { "gone": { "Match": { "Path": "/gone/{**rest}" }, "Service": "{{Service}}" } } }
                """);
            await fixture.PublishRoutesAsync("""{ "Routes": { "b": { "Match": { "Path": "/b/{**rest}" }, "Service": "gateway" } } }""");
        }
        finally
        {
            // A graceful stop revokes the lease: the service leaves the registry at once.
            await instance.DisposeAsync();
        }
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await fixture.Api.Http.GetAsync($"/api/v1/registry/{GatewayFixture.Env}/services/{Service}");
            return response.StatusCode == HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(10), "the service has left the registry");
        var before = await RevisionAsync();

        using var rollback = await fixture.Api.Http.PostAsJsonAsync(
            $"{ConfigCenterApiClient.Ns(GatewayFixture.GatewayApp, GatewayFixture.Env, GatewayFixture.RoutesNamespace)}/releases/{withService}/rollback",
            new { message = "back to the gone service" });

        var body = await rollback.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, rollback.StatusCode);
        Assert.Equal("application/problem+json", rollback.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Routes:gone:Service", problem.GetProperty("field").GetString());
        Assert.Contains(Service, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await RevisionAsync());
    }

    private async Task<long?> RevisionAsync()
    {
        var draft = await fixture.Api.GetJsonAsync(ConfigCenterApiClient.Ns(GatewayFixture.GatewayApp, GatewayFixture.Env, GatewayFixture.RoutesNamespace));
        return draft.TryGetProperty("publishedRevision", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt64() : null;
    }
}

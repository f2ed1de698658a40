using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.ClientRead;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Drafts;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Features.Shell;
using ConfigCenter.Server.Features.Status;
using ConfigCenter.Server.Infrastructure;
using Scalar.AspNetCore;

namespace ConfigCenter.Server.Hosting;

/// <summary>Maps the REST API, OpenAPI document and operations endpoints.</summary>
internal static class ServerEndpointExtensions
{
    public static WebApplication MapConfigCenter(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConfigCenterServerOptions>>().Value;
        TransportCheck.EnsureSecureTransport(app.Configuration, app.Environment, options);
        // First, so everything after sees the client's address and scheme, and every response has the headers. Only with proxies
        // configured: the middleware treats empty known-proxy lists as "trust every peer".
        if (options.Proxy.IsConfigured) app.UseForwardedHeaders();
        Features.Telemetry.TelemetryExtensions.UseConfigCenterScrapeEndpoint(app);
        app.UseSecurityHeaders();
        app.UseAuditScope();
        app.UseCookiePolicy();
        app.UseExceptionHandler();
        app.UseRequestBodyLimit();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        // Routing after the files on disk: otherwise the development-time static asset fallback endpoint
        // ({**path:file}) matches first and, having no metadata, falls under the deny-by-default policy, so the
        // sign-in page's stylesheet would need a signed-in user.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api-reference").AllowAnonymous();
        app.MapAuthApi();
        app.MapAppsApi();
        app.MapDraftsApi();
        app.MapReleasesApi();
        Features.Reviews.ReviewsApi.MapReviewsApi(app);
        app.MapApiKeysApi();
        app.MapConfigReadApi();
        app.MapStatusApi();
        app.MapOutboxApi();
        app.MapAuditApi();
        Features.Secrets.SecretsApi.MapSecretsApi(app);
        Features.Users.UsersApi.MapUsersApi(app);
        Features.ConfigHub.ConfigHubExtensions.MapConfigHub(app);
        Features.Instances.InstancesApi.MapInstancesApi(app);
        Features.Registry.RegistryApi.MapRegistryApi(app);
        Features.Gateway.GatewayApi.MapGatewayApi(app);
        app.MapConfigCenterUi();
        return app;
    }
}

using Yarp.ReverseProxy.Transforms;
using ConfigCenter.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace ConfigCenter.Gateway;

/// <summary>The gateway's registrations and pipeline, so Program.cs stays a few lines.</summary>
public static class GatewayHost
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.RoutesNamespace), "Gateway:RoutesNamespace is required.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RoutesSource>();
        services.AddConfigCenterDiscovery();
        services.AddSingleton<RegistryProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<RegistryProxyConfigProvider>());
        services.AddHostedService(sp => sp.GetRequiredService<RegistryProxyConfigProvider>());
        services.AddSingleton<GatewayMetrics>();
        services.AddGatewayTelemetry(builder.Configuration);
        services.AddSingleton<ILoadBalancingPolicy, WeightedZoneLoadBalancingPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, TransportFailurePolicy>();
        services.AddReverseProxy()
            // Forwarded headers from the client are never trusted: X-Forwarded-* are set (replacing what came in) and
            // the RFC 7239 Forwarded header is dropped.
            .AddTransforms(t => t.AddRequestHeaderRemove("Forwarded"));
        services.AddGatewayAuthentication();
        services.AddSingleton<GatewayRateLimiterPolicy>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, GatewayRateLimiterPolicy>(GatewayRateLimiterPolicy.PolicyName);
        });
        services.AddRequestTimeouts();
        services.AddHealthChecks().AddCheck("gateway", () => HealthCheckResult.Healthy(), tags: ["ready"])
            .AddCheck<GatewayReadiness>("routes", tags: ["ready"]);
        if (builder.Configuration.GetSection($"{ConfigCenterOptions.SectionName}:Etcd:Endpoints").GetChildren().Any())
        {
            // The gateway is a service too: it shows on the server's /services page.
            services.AddConfigCenterRegistration();
        }
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        var prometheusAtMetrics = app.UseGatewayScrapeEndpoint();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        // The JSON totals per destination; also at /metrics while Prometheus does not take that path.
        app.MapGet("/metrics/destinations", (GatewayMetrics metrics) => Results.Ok(metrics.Snapshot()));
        if (!prometheusAtMetrics) app.MapGet("/metrics", (GatewayMetrics metrics) => Results.Ok(metrics.Snapshot()));
        app.MapGatewayState();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ForwardingMiddleware.Limits);
            proxy.Use(ForwardingMiddleware.Canary);
            proxy.Use(ForwardingMiddleware.Retry);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>Ready once routes and destinations were built.</summary>
    private sealed class GatewayReadiness(RegistryProxyConfigProvider provider) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(provider.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("routes not loaded yet"));
    }
}

using ConfigCenter.Server.Features.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConfigCenter.Server.Features.Status;

/// <summary><c>/api/v1/status</c>, <c>/health/live</c> and <c>/health/ready</c>.</summary>
internal static class StatusApi
{
    public static IServiceCollection AddConfigCenterHealth(this IServiceCollection services)
    {
        services.AddSingleton<ServerStatusService>();
        services.AddSingleton<ReadinessProbe>();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("configcenter", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        // Endpoints, member URLs and error text map the data plane for an attacker: signed-in users only.
        app.MapGet("/api/v1/status", (ServerStatusService status, CancellationToken ct) => status.GetAsync(probeEtcd: true, ct))
            .RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Operations").WithSummary("Mode, etcd endpoints and members, outbox backlog.");
        // Probes stay anonymous for load balancers and orchestrators, so they answer the status word and nothing else.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = WriteStatusOnly }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteStatusOnly }).AllowAnonymous();
        return app;
    }

    private static Task WriteStatusOnly(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status == HealthStatus.Healthy ? "Healthy" : "Unhealthy", context.RequestAborted);
    }

    private sealed class ReadinessCheck(ReadinessProbe probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var verdict = await probe.GetAsync().WaitAsync(cancellationToken);
            return verdict.Ready ? HealthCheckResult.Healthy(verdict.Description) : HealthCheckResult.Unhealthy(verdict.Description);
        }
    }
}

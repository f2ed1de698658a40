using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Instances;

/// <summary>
/// <c>GET /api/v1/apps/{app}/envs/{env}/instances</c>: confirmed delivery — every client instance of an app and
/// environment and the revision of each namespace it reported as applied.
/// </summary>
internal static class InstancesApi
{
    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/apps/{app}/envs/{env}/instances", (string app, string env, InstanceTracker tracker) => Results.Ok(tracker.List(app, env)))
            .RequireAuthorization(AuthConstants.ManagementPolicy)
            .WithTags("Instances")
            .WithSummary("Client instances of an app and environment with the revision each applied per namespace.");
        return app;
    }
}

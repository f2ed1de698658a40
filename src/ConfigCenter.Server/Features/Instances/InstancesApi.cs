using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Instances;

/// <summary>
/// <c>GET /api/v1/apps/{app}/envs/{env}/instances</c>: every instance of an app and environment from the registry
/// (any transport, any server replica) plus this replica's hub clients, with the revision of each namespace applied.
/// </summary>
internal static class InstancesApi
{
    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/apps/{app}/envs/{env}/instances",
                async (string app, string env, InstanceDirectory instances, CancellationToken ct) => Results.Ok(await instances.ListAsync(app, env, ct)))
            .RequireAuthorization(AuthConstants.AppReadPolicy)
            .WithTags("Instances")
            .WithSummary("Instances of an app and environment (registry and this replica's hub) with the revision each applied per namespace.");
        return app;
    }
}

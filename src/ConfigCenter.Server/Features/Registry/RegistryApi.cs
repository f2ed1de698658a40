using ConfigCenter.Core;
using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Registry;

/// <summary>
/// <c>GET /api/v1/registry/{env}/services</c> and <c>…/services/{service}</c>: the services registered in etcd by any
/// instance, whatever its transport or the server replica it talks to.
/// </summary>
internal static class RegistryApi
{
    /// <summary>One service of an environment: how many instances are registered and how many pass their health checks.</summary>
    public sealed record ServiceSummary(string Name, int Instances, int Healthy);

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/registry/{env}/services").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Registry");
        group.MapGet("", ListAsync).WithSummary("Registered services of an environment with instance and healthy counts.");
        group.MapGet("/{service}", GetAsync).WithSummary("The registered instances of one service.");
        group.MapPost("/{service}/{instanceId}/drain", DrainAsync).RequireAuthorization(AuthConstants.AdminPolicy).WithSummary("Takes an instance out of discovery without deregistering it (audited).");
        group.MapDelete("/{service}/{instanceId}", DeregisterAsync).RequireAuthorization(AuthConstants.AdminPolicy).WithSummary("Deletes an instance's registry entry (audited).");
        return app;
    }

    private static async Task<IResult> ListAsync(string env, RegistryView registry, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var services = await registry.ServicesAsync(env, ct);
            return Results.Ok(services.OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new ServiceSummary(s.Key, s.Value.Count, s.Value.Count(i => i.Health == "passing"))).ToList());
        }
        catch (TimeoutException)
        {
            return Unreachable();
        }
    }

    private static async Task<IResult> GetAsync(string env, string service, RegistryView registry, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var services = await registry.ServicesAsync(env, ct);
            return services.TryGetValue(service, out var instances)
                ? Results.Ok(instances)
                : Results.Problem($"No instance of service '{service}' is registered in {env}.", statusCode: StatusCodes.Status404NotFound);
        }
        catch (TimeoutException)
        {
            return Unreachable();
        }
    }

    private static async Task<IResult> DrainAsync(string env, string service, string instanceId, RegistryAdmin admin, HttpContext http, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        return await admin.DrainAsync(env, service, instanceId, http.User.UserName(), ct)
            ? Results.NoContent()
            : Results.Problem($"Instance '{instanceId}' of service '{service}' is not registered in {env}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> DeregisterAsync(string env, string service, string instanceId, RegistryAdmin admin, HttpContext http, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        return await admin.DeregisterAsync(env, service, instanceId, http.User.UserName(), ct)
            ? Results.NoContent()
            : Results.Problem($"Instance '{instanceId}' of service '{service}' is not registered in {env}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static IResult Unreachable() =>
        Results.Problem("etcd did not answer the registry read in time; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
}

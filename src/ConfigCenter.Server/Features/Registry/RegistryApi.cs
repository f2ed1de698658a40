using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Registry;

/// <summary>
/// <c>GET /api/v1/registry/{env}/services</c> and <c>…/services/{service}</c>: the services registered in etcd by any
/// instance, whatever its transport or the server replica it talks to.
/// </summary>
internal static class RegistryApi
{
    /// <summary>
    /// One service of an environment: how many instances are registered and how many pass their health checks; how many
    /// are discoverable (in rotation), the share of those passing, the protection threshold the instances registered,
    /// and whether it is active (discovery returns every instance in rotation, healthy or not).
    /// </summary>
    public sealed record ServiceSummary(string Name, int Instances, int Healthy, int Discoverable, double? HealthyShare, double ProtectionThreshold, bool ProtectionActive)
    {
        public static ServiceSummary Of(string name, IReadOnlyList<RegistryEntry> instances)
        {
            var protection = ServiceProtection.Of(instances);
            return new ServiceSummary(name, instances.Count, instances.Count(i => i.Health == "passing"), protection.Discoverable,
                protection.HealthyShare, protection.Threshold, protection.Active);
        }
    }

    /// <summary>One service with its protection state (as in <see cref="ServiceSummary"/>) and every registered instance.</summary>
    public sealed record ServiceDetail(string Name, int Discoverable, int Passing, double? HealthyShare, double ProtectionThreshold, bool ProtectionActive,
        IReadOnlyList<RegistryEntry> Instances);

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/registry/{env}/services").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Registry");
        group.MapGet("", ListAsync).WithSummary("Registered services of an environment with instance and healthy counts.");
        group.MapGet("/{service}", GetAsync).WithSummary("One service: its protection state and its registered instances.");
        group.MapPost("/{service}/{instanceId}/drain", (string env, string service, string instanceId, RegistryAdmin admin, HttpContext http, CancellationToken ct) =>
            DrainAsync(env, service, instanceId, true, admin, http, ct)).RequireAuthorization(AuthConstants.AdminPolicy).WithSummary("Takes an instance out of discovery without deregistering it; the instance keeps it (audited). 412 when the entry kept changing.");
        group.MapPost("/{service}/{instanceId}/resume", (string env, string service, string instanceId, RegistryAdmin admin, HttpContext http, CancellationToken ct) =>
            DrainAsync(env, service, instanceId, false, admin, http, ct)).RequireAuthorization(AuthConstants.AdminPolicy).WithSummary("Puts a drained instance back in rotation (audited). 412 when the entry kept changing.");
        group.MapDelete("/{service}/{instanceId}", DeregisterAsync).RequireAuthorization(AuthConstants.AdminPolicy).WithSummary("Deletes an instance's registry entry (audited).");
        return app;
    }

    private static async Task<IResult> ListAsync(string env, RegistryView registry, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var services = await registry.ServicesAsync(env, ct);
            return Results.Ok(services.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => ServiceSummary.Of(s.Key, s.Value)).ToList());
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
                ? Results.Ok(Detail(service, instances))
                : Results.Problem($"No instance of service '{service}' is registered in {env}.", statusCode: StatusCodes.Status404NotFound);
        }
        catch (TimeoutException)
        {
            return Unreachable();
        }
    }

    private static async Task<IResult> DrainAsync(string env, string service, string instanceId, bool draining, RegistryAdmin admin, HttpContext http, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        if (!admin.Enabled) return NoRegistry(env, service, instanceId);
        return await admin.DrainAsync(env, service, instanceId, http.User.UserName(), ct, draining) switch
        {
            RegistryAdminResult.Done => Results.NoContent(),
            RegistryAdminResult.Conflict => Results.Problem(
                $"Instance '{instanceId}' of service '{service}' changed under each of {RegistryAdmin.GuardAttempts} attempts; try again.",
                statusCode: StatusCodes.Status412PreconditionFailed, title: "The registry entry kept changing"),
            _ => Results.Problem($"Instance '{instanceId}' of service '{service}' is not registered in {env}.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    private static async Task<IResult> DeregisterAsync(string env, string service, string instanceId, RegistryAdmin admin, HttpContext http, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        if (!admin.Enabled) return NoRegistry(env, service, instanceId);
        return await admin.DeregisterAsync(env, service, instanceId, http.User.UserName(), ct)
            ? Results.NoContent()
            : Results.Problem($"Instance '{instanceId}' of service '{service}' is not registered in {env}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static ServiceDetail Detail(string service, IReadOnlyList<RegistryEntry> instances)
    {
        var protection = ServiceProtection.Of(instances);
        return new ServiceDetail(service, protection.Discoverable, protection.Passing, protection.HealthyShare, protection.Threshold, protection.Active, instances);
    }

    /// <summary>Standalone mode has no registry (it lives in etcd): no instance can be registered, so none is found.</summary>
    private static IResult NoRegistry(string env, string service, string instanceId) =>
        Results.Problem($"Instance '{instanceId}' of service '{service}' is not registered in {env}: this server runs standalone (no etcd endpoints), and the registry lives in etcd.",
            statusCode: StatusCodes.Status404NotFound, title: "No registry in standalone mode");

    private static IResult Unreachable() =>
        Results.Problem("etcd did not answer the registry read in time; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
}

using ConfigCenter.Core;
using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Gateway;

/// <summary>
/// <c>GET /api/v1/gateway/{env}/routes?app=…</c>: the live routes of a gateway app (current release of its routes
/// namespace) with each route's destinations from the registry — what the <c>/gateway</c> page shows.
/// </summary>
internal static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/gateway/{env}/routes", GetRoutesAsync)
            .RequireAuthorization(AuthConstants.ManagementPolicy)
            .WithTags("Gateway")
            .WithSummary("The live routes of a gateway app with their destinations (registry instances) and health.");
        return app;
    }

    private static async Task<IResult> GetRoutesAsync(string env, string? app, GatewayRoutesView gateway, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(env) is { } error) return Field("env", error.Message);
        var apps = gateway.Apps(env);
        if (string.IsNullOrEmpty(app))
        {
            // Without ?app= the one gateway of the environment is meant; with several the caller must say which.
            if (apps.Count > 1) return Field("app", $"{env} has several gateway apps ({string.Join(", ", apps)}); name one with ?app=.");
            if (apps.Count == 0) return Results.Problem($"No app has a released '{gateway.Namespace}' namespace in {env}.", statusCode: StatusCodes.Status404NotFound);
            app = apps[0];
        }
        else if (Names.ValidateAppId(app) is { } appError)
        {
            return Field("app", appError.Message);
        }

        var view = await gateway.GetAsync(env, app, ct);
        return view is null
            ? Results.Problem($"App '{app}' has no released '{gateway.Namespace}' namespace in {env}.", statusCode: StatusCodes.Status404NotFound)
            : Results.Ok(view);
    }

    private static IResult Field(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);
}

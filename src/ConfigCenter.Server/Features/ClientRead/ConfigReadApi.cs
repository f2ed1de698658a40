using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;

namespace ConfigCenter.Server.Features.ClientRead;

/// <summary>
/// <c>GET /api/v1/config/{env}/{app}/{ns}</c>: the current release document for clients, served from
/// memory with <c>ETag: "{revision}"</c> and 304 for a matching If-None-Match.
/// </summary>
internal static class ConfigReadApi
{
    public static IEndpointRouteBuilder MapConfigReadApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config/{env}/{app}/{ns}", Read)
            .RequireAuthorization(AuthConstants.ClientPolicy)
            .WithTags("Clients")
            .WithSummary("The current release document of a namespace (API key in X-Api-Key).");
        return app;
    }

    private static IResult Read(string env, string app, string ns, HttpContext http, ReleaseCache cache)
    {
        var user = http.User;
        if (!user.HasClaim(AuthConstants.AppClaim, app) || !user.HasClaim(AuthConstants.EnvClaim, env))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This API key may not read {app} in {env}.");
        }
        if (cache.Get(env, app, ns) is not { } release)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"{app}/{env}/{ns} has no published release.");
        }
        http.Response.Headers.ETag = release.ETag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.ToString() == release.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(release.Json, "application/json");
    }
}

using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Delivery;

namespace ConfigCenter.Server.Features.ClientRead;

/// <summary>
/// <c>GET /api/v1/config/{env}/{app}/{ns}</c>: the current release document for clients, served from
/// memory with <c>ETag: "{revision}"</c> and 304 for a matching If-None-Match. The only credential it
/// takes is a client API key, checked here against the in-memory key hashes; the endpoint is
/// short-circuited after routing, so none of the UI's middleware (cookies, antiforgery, static files)
/// runs on the path every service instance polls.
/// </summary>
internal static class ConfigReadApi
{
    public static IEndpointRouteBuilder MapConfigReadApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config/{env}/{app}/{ns}", Read)
            .ShortCircuit()
            .WithMetadata(Auth.ClientKeyCheckedInHandler.Instance)
            .WithTags("Clients")
            .WithSummary("The current release document of a namespace (API key in X-Api-Key).");
        return app;
    }

    private static IResult Read(string env, string app, string ns, HttpContext http, ApiKeyStore keys, ReleaseCache cache, Telemetry.ServerMetrics metrics)
    {
        var result = Answer(env, app, ns, http, keys, cache);
        metrics.Read((result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);
        return result;
    }

    private static IResult Answer(string env, string app, string ns, HttpContext http, ApiKeyStore keys, ReleaseCache cache)
    {
        string? key = http.Request.Headers[ConfigHubRoutes.ApiKeyHeader];
        if (string.IsNullOrEmpty(key) || keys.Find(key) is not { } scope)
        {
            http.Response.Headers.WWWAuthenticate = ConfigHubRoutes.ApiKeyHeader;
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"Send a client API key for {app} in {env} in the {ConfigHubRoutes.ApiKeyHeader} header.");
        }
        if (scope.App != app || scope.Environment != env)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This API key may not read {app} in {env}.");
        }
        if (cache.Get(env, app, ns) is not { } release)
        {
            // The code tells clients this is the server's own "nothing published yet", not a 404 from a wrong URL.
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"{app}/{env}/{ns} has no published release.",
                extensions: new Dictionary<string, object?> { ["code"] = "release-not-found" });
        }
        http.Response.Headers.ETag = release.ETag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.ToString() == release.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(release.Json, "application/json");
    }
}

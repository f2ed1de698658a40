using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Client API keys per app and environment.</summary>
internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apps/{app}/envs/{env}/keys").RequireAuthorization(AuthConstants.AppManagePolicy).WithTags("API keys");
        api.MapPost("", async (string app, string env, CreateApiKeyRequest? request, ApiKeyService keys, HttpContext http, CancellationToken ct) =>
        {
            var key = await keys.CreateAsync(app, env, request?.Name, http.User.UserName(), ct);
            return Results.Created($"{http.Request.Path}/{key.Id}", key);
        }).WithSummary("Create a read-only client key; the key is shown only in this response.");
        api.MapGet("", (string app, string env, ApiKeyService keys, CancellationToken ct) => keys.ListAsync(app, env, ct));
        api.MapPost("/{id:int}/rotate", async (string app, string env, int id, RotateApiKeyRequest? request, ApiKeyService keys, HttpContext http, CancellationToken ct) =>
        {
            var key = await keys.RotateAsync(app, env, id, request?.GraceMinutes, http.User.UserName(), ct);
            return Results.Created($"/api/v1/apps/{app}/envs/{env}/keys/{key.Id}", key);
        }).WithSummary("Issue a new secret; the old key ends at once, or after graceMinutes (at most 7 days).");
        api.MapDelete("/{id:int}", async (string app, string env, int id, ApiKeyService keys, HttpContext http, CancellationToken ct) =>
        {
            await keys.RevokeAsync(app, env, id, http.User.UserName(), ct);
            return Results.NoContent();
        });
        return app;
    }
}

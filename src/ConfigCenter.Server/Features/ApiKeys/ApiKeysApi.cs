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
        // A key describes itself: the gateway checks its callers' keys here (and caches the answer briefly).
        app.MapGet("/api/v1/keys/self", (HttpContext http, ApiKeyStore store) =>
        {
            string? key = http.Request.Headers[Contracts.ConfigHubRoutes.ApiKeyHeader];
            if (string.IsNullOrEmpty(key) || store.Find(key) is not { } scope)
            {
                http.Response.Headers.WWWAuthenticate = Contracts.ConfigHubRoutes.ApiKeyHeader;
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: $"Send a live client API key in the {Contracts.ConfigHubRoutes.ApiKeyHeader} header.");
            }
            return Results.Ok(new { id = scope.Id, app = scope.App, environment = scope.Environment, name = scope.Name });
        }).ShortCircuit().WithMetadata(Auth.ClientKeyCheckedInHandler.Instance).WithTags("Clients").WithSummary("The app, environment and name of the client API key in X-Api-Key (401 when it is not live).");
        return app;
    }
}

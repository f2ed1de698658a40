using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Client API keys per app and environment.</summary>
internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apps/{app}/envs/{env}/keys").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("API keys");
        api.MapPost("", async (string app, string env, CreateApiKeyRequest? request, ApiKeyService keys, HttpContext http, CancellationToken ct) =>
        {
            var key = await keys.CreateAsync(app, env, request?.Name, http.User.UserName(), ct);
            return Results.Created($"{http.Request.Path}/{key.Id}", key);
        }).WithSummary("Create a read-only client key; the key is shown only in this response.");
        api.MapGet("", (string app, string env, ApiKeyService keys, CancellationToken ct) => keys.ListAsync(app, env, ct));
        api.MapDelete("/{id:int}", async (string app, string env, int id, ApiKeyService keys, HttpContext http, CancellationToken ct) =>
        {
            await keys.RevokeAsync(app, env, id, http.User.UserName(), ct);
            return Results.NoContent();
        });
        return app;
    }
}

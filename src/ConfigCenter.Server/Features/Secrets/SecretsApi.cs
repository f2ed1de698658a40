using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Secrets;

/// <summary>
/// The environment keys clients need to decrypt secret values: an admin reads them to deploy clients
/// (<c>ConfigCenter:SecretKeys</c>) and rotates them. Both are audited.
/// </summary>
internal static class SecretsApi
{
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/environments/{env}/secret-key").WithTags("Secrets");

        api.MapGet("", async (string env, SecretKeyRing ring, HttpContext http, CancellationToken ct) =>
        {
            var keys = await ring.ExportAsync(env, http.User.UserName(), ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(keys);
        }).WithSummary("The environment's current secret key (and retired ones) for client deployment; audited as secret.key.read.")
            .RequireAuthorization(AuthConstants.AdminPolicy);

        api.MapPost("/rotate", async (string env, SecretKeyRing ring, HttpContext http, CancellationToken ct) =>
        {
            var key = await ring.RotateAsync(env, http.User.UserName(), ct);
            return Results.Ok(new { environment = env, keyId = key.KeyId });
        }).WithSummary("Replace the environment's secret key; drafts are re-sealed, releases change at their next publish. Audited as secret.key.rotate.")
            .RequireAuthorization(AuthConstants.AdminPolicy);
        return app;
    }
}

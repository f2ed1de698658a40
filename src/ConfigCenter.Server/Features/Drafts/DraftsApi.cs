using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Features.Drafts;

/// <summary>Draft reads and edits; every response carries the draft's ETag.</summary>
internal static class DraftsApi
{
    public static IEndpointRouteBuilder MapDraftsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apps/{app}/envs/{env}/namespaces/{ns}")
            .WithTags("Drafts");

        api.MapGet("", async (string app, string env, string ns, DraftService drafts, HttpContext http, CancellationToken ct) =>
        {
            var draft = await drafts.GetAsync(app, env, ns, ct);
            http.Response.Headers.ETag = draft.ETag;
            return Results.Ok(draft);
        }).WithSummary("The draft of a namespace in an environment, with its ETag.").RequireAuthorization(AuthConstants.AppReadPolicy);

        api.MapPut("/items/{key}", async (string app, string env, string ns, string key, SetItemRequest request, DraftService drafts,
            HttpContext http, CancellationToken ct) =>
        {
            var (item, created, version) = await drafts.SetItemAsync(app, env, ns, ItemKeyRoute.Decode(http, key), request, ETags.IfMatch(http.Request), http.User.UserName(), ct);
            http.Response.Headers.ETag = ETags.Format(version);
            return created ? Results.Created($"{http.Request.Path}", item) : Results.Ok(item);
        }).RequireAuthorization(AuthConstants.AppEditPolicy);

        api.MapDelete("/items/{key}", async (string app, string env, string ns, string key, DraftService drafts, HttpContext http, CancellationToken ct) =>
        {
            var version = await drafts.DeleteItemAsync(app, env, ns, ItemKeyRoute.Decode(http, key), ETags.IfMatch(http.Request), http.User.UserName(), ct);
            http.Response.Headers.ETag = ETags.Format(version);
            return Results.NoContent();
        }).RequireAuthorization(AuthConstants.AppEditPolicy);

        api.MapPut("/items/{key}/secret", (string app, string env, string ns, string key, DraftService drafts, HttpContext http, CancellationToken ct) =>
            MarkAsync(app, env, ns, key, true, drafts, http, ct))
            .WithSummary("Mark a properties item secret: sealed at rest and on the wire, masked in every read.").RequireAuthorization(AuthConstants.AppEditPolicy);

        api.MapDelete("/items/{key}/secret", (string app, string env, string ns, string key, DraftService drafts, HttpContext http, CancellationToken ct) =>
            MarkAsync(app, env, ns, key, false, drafts, http, ct))
            .WithSummary("Unmark a secret item: its value is stored and shown in clear again.").RequireAuthorization(AuthConstants.AppEditPolicy);

        api.MapPost("/items/{key}/reveal", async (string app, string env, string ns, string key, DraftService drafts, HttpContext http, CancellationToken ct) =>
        {
            var item = await drafts.RevealAsync(app, env, ns, ItemKeyRoute.Decode(http, key), http.User.UserName(), ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(item);
        }).WithSummary("The clear value of a secret draft item (audited as secret.reveal).").RequireAuthorization(AuthConstants.AppEditPolicy);

        api.MapPut("/content", async (string app, string env, string ns, SetContentRequest request, DraftService drafts, HttpContext http, CancellationToken ct) =>
        {
            var version = await drafts.SetContentAsync(app, env, ns, request.Content, ETags.IfMatch(http.Request), http.User.UserName(), ct);
            http.Response.Headers.ETag = ETags.Format(version);
            return Results.Ok(new { version });
        }).WithSummary("Replace the document of a json or yaml namespace.").RequireAuthorization(AuthConstants.AppEditPolicy);
        return app;
    }

    private static async Task<IResult> MarkAsync(string app, string env, string ns, string key, bool secret, DraftService drafts, HttpContext http, CancellationToken ct)
    {
        var version = await drafts.SetSecretAsync(app, env, ns, ItemKeyRoute.Decode(http, key), secret, ETags.IfMatch(http.Request), http.User.UserName(), ct);
        http.Response.Headers.ETag = ETags.Format(version);
        return Results.Ok(new { version, secret });
    }
}

using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Releases;

/// <summary>Publish, list, read, diff and roll back releases.</summary>
internal static class ReleasesApi
{
    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases")
            .WithTags("Releases");

        api.MapGet("", (string app, string env, string ns, ReleaseReader reader, CancellationToken ct) => reader.ListAsync(app, env, ns, ct))
            .RequireAuthorization(AuthConstants.AppReadPolicy);

        api.MapPost("", async (string app, string env, string ns, PublishRequest? request, Reviews.ReleaseRequestService reviews, AccessDirectory access,
            HttpContext http, CancellationToken ct) =>
        {
            var user = access.User(http.User) ?? throw new InvalidOperationException("The publish policy admitted a caller without a user.");
            var outcome = await reviews.PublishOrRequestAsync(app, env, ns, request?.Message, request?.Emergency == true, request?.Reason, user, ct);
            if (outcome.Request is { } pending)
            {
                var path = http.Request.Path.ToString();
                return Results.Accepted($"{path[..path.LastIndexOf("/releases", StringComparison.Ordinal)]}/requests/{pending.Id}", pending);
            }
            var release = outcome.Release!;
            return Results.Created($"{http.Request.Path}/{release.Revision}", release);
        }).WithSummary("Publish the draft as a new release (201), or where the environment requires review create a release request (202). " +
            "Admins may publish past review with {\"emergency\": true, \"reason\": …}.").RequireAuthorization(AuthConstants.AppPublishPolicy);

        api.MapGet("/{revision:long}", (string app, string env, string ns, long revision, ReleaseReader reader, CancellationToken ct) =>
            reader.GetAsync(app, env, ns, revision, ct)).RequireAuthorization(AuthConstants.AppReadPolicy);

        api.MapGet("/{revision:long}/diff", (string app, string env, string ns, long revision, long? against, ReleaseReader reader, CancellationToken ct) =>
            reader.DiffAsync(app, env, ns, revision, against ?? revision - 1, ct))
            .WithSummary("Keys added, changed and removed from release 'against' (default: the previous one) to this one.")
            .RequireAuthorization(AuthConstants.AppReadPolicy);

        api.MapPost("/{revision:long}/rollback", async (string app, string env, string ns, long revision, PublishRequest? request,
            ReleaseService releases, HttpContext http, CancellationToken ct) =>
        {
            var release = await releases.RollbackAsync(app, env, ns, revision, request?.Message, http.User.UserName(), ct);
            var path = http.Request.Path.ToString();
            return Results.Created($"{path[..path.LastIndexOf("/releases/", StringComparison.Ordinal)]}/releases/{release.Revision}", release);
        }).WithSummary("Publish a new release whose content equals this one.").RequireAuthorization(AuthConstants.AppPublishPolicy);
        return app;
    }
}

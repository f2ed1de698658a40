using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Features.Reviews;

/// <summary>Release requests (four eyes) and the per-environment review setting.</summary>
internal static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/environments/{env}/review", async (string env, EnvironmentReviewSetting? setting, ReleaseRequestService reviews,
            HttpContext http, CancellationToken ct) =>
        {
            if (setting?.RequiresReview is not { } requiresReview) throw ConfigCenterException.Invalid("requiresReview", "Say whether the environment requires review: {\"requiresReview\": true|false}.");
            return await reviews.SetRequiresReviewAsync(env, requiresReview, http.User.UserName(), ct);
        }).WithTags("Reviews").WithSummary("Require (or stop requiring) review before publishing in an environment.")
            .RequireAuthorization(AuthConstants.AdminPolicy);

        app.MapGet("/api/v1/reviews", async (ReleaseRequestService reviews, AccessDirectory access, HttpContext http, CancellationToken ct) =>
        {
            var user = access.User(http.User);
            return (await reviews.PendingAsync(ct)).Where(r => user is not null && access.Can(user, r.App, r.Environment, AppRight.Read)).ToList();
        }).WithTags("Reviews").WithSummary("Pending release requests of the apps the caller may read, oldest first.")
            .RequireAuthorization(AuthConstants.ManagementPolicy);

        var api = app.MapGroup("/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/requests").WithTags("Reviews");
        api.MapGet("", (string app, string env, string ns, ReleaseRequestService reviews, CancellationToken ct) => reviews.ListAsync(app, env, ns, ct))
            .WithSummary("Release requests of the namespace, newest first.").RequireAuthorization(AuthConstants.AppReadPolicy);
        api.MapGet("/{id:long}", (string app, string env, string ns, long id, ReleaseRequestService reviews, CancellationToken ct) =>
            reviews.GetAsync(app, env, ns, id, ct)).RequireAuthorization(AuthConstants.AppReadPolicy);
        api.MapPost("/{id:long}/approve", (string app, string env, string ns, long id, ReviewDecision? decision, ReleaseRequestService reviews,
            HttpContext http, CancellationToken ct) => reviews.ApproveAsync(app, env, ns, id, decision?.Comment, http.User.UserName(), ct))
            .WithSummary("Publish the request's snapshot (a Publisher other than its author).").RequireAuthorization(AuthConstants.AppPublishPolicy);
        api.MapPost("/{id:long}/reject", (string app, string env, string ns, long id, ReviewDecision? decision, ReleaseRequestService reviews,
            HttpContext http, CancellationToken ct) => reviews.RejectAsync(app, env, ns, id, decision?.Comment, http.User.UserName(), ct))
            .WithSummary("Reject the request with a comment for its author.").RequireAuthorization(AuthConstants.AppPublishPolicy);
        api.MapPost("/{id:long}/withdraw", (string app, string env, string ns, long id, ReleaseRequestService reviews, HttpContext http, CancellationToken ct) =>
            reviews.WithdrawAsync(app, env, ns, id, http.User.UserName(), ct))
            .WithSummary("The author takes the request back.").RequireAuthorization(AuthConstants.AppPublishPolicy);
        return app;
    }
}

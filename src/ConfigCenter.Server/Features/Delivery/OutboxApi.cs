using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary><c>/api/v1/outbox/parked</c>: releases etcd refused for good, with retry and drop.</summary>
internal static class OutboxApi
{
    public static IEndpointRouteBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/outbox/parked").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Operations");
        api.MapGet("", (ParkedReleases parked, CancellationToken ct) => parked.ListAsync(500, ct))
            .WithSummary("Releases etcd refused for good (too large, invalid, not permitted), with etcd's reason.");
        api.MapPost("/{id:long}/retry", async (long id, ParkedReleases parked, HttpContext http, CancellationToken ct) =>
        {
            await parked.RetryAsync(id, http.User.UserName(), ct);
            return Results.NoContent();
        }).WithSummary("Deliver a parked release again.").RequireAuthorization(AuthConstants.AdminPolicy);
        api.MapDelete("/{id:long}", async (long id, ParkedReleases parked, HttpContext http, CancellationToken ct) =>
        {
            await parked.DropAsync(id, http.User.UserName(), ct);
            return Results.NoContent();
        }).WithSummary("Give up on a parked release (etcd keeps what it holds).").RequireAuthorization(AuthConstants.AdminPolicy);
        return app;
    }
}

using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Audit;

/// <summary><c>GET /api/v1/audit</c>: the newest audit entries, optionally for one app.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", async (string? app, int? take, IDbContextFactory<ConfigCenterDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var query = db.Audit.AsNoTracking();
            if (!string.IsNullOrEmpty(app)) query = query.Where(a => a.Target == app || a.Target.StartsWith(app + "/"));
            return await query.OrderByDescending(a => a.Id).Take(Math.Clamp(take ?? 100, 1, 1000))
                .Select(a => new AuditEntry(a.At, a.Actor, a.Action, a.Target, a.Detail)).ToListAsync(ct);
        }).RequireAuthorization(AuthConstants.AdminPolicy).WithTags("Audit").WithSummary("Who changed what, newest first.");
        return app;
    }
}

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string Detail);

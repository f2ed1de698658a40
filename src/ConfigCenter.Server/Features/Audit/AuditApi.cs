using System.Globalization;
using System.Text;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Features.Audit;

/// <summary><c>GET /api/v1/audit</c> (filtered, paged, newest first), its CSV export, and <c>GET /api/v1/audit/verify</c>.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").RequireAuthorization(AuthConstants.AdminPolicy).WithTags("Audit");

        api.MapGet("", async (HttpContext http, string? app, string? actor, string? action, string? from, string? to, int? skip, int? take,
            AuditReader reader, CancellationToken ct) =>
        {
            var page = await reader.PageAsync(Filter(app, actor, action, from, to), skip ?? 0, take ?? 100, ct);
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
            return page.Entries;
        }).WithSummary("Who changed what, newest first; filter by app, actor, action (or family, e.g. release) and time [from, to). The total is in X-Total-Count.");

        api.MapGet("/export.csv", async (HttpContext http, string? app, string? actor, string? action, string? from, string? to,
            AuditReader reader, CancellationToken ct) =>
        {
            var filter = Filter(app, actor, action, from, to);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"configcenter-audit.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), leaveOpen: true);
            writer.NewLine = "\r\n";
            await writer.WriteLineAsync(AuditCsv.Header);
            await foreach (var entry in reader.ExportAsync(filter, ct)) await writer.WriteLineAsync(AuditCsv.Row(entry));
        }).WithSummary("The filtered audit entries as CSV, oldest first (formula-looking fields neutralised).");

        api.MapGet("/verify", (AuditVerifier verifier, CancellationToken ct) => verifier.VerifyAsync(ct))
            .WithSummary("Walks the hash chain: intact, or the id of the first entry that was changed, removed or inserted.");
        return app;
    }

    private static AuditFilter Filter(string? app, string? actor, string? action, string? from, string? to) =>
        new(app, actor, action, Time(from, "from"), Time(to, "to"));

    private static DateTimeOffset? Time(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time;
        throw ConfigCenterException.Invalid(field, $"'{value}' is not a time; use ISO 8601, e.g. 2026-11-30T12:00:00Z.");
    }
}

using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>Reads the audit trail for the API, the export and the /audit page.</summary>
public sealed class AuditReader(IDbContextFactory<ConfigCenterDbContext> dbFactory)
{
    public const int MaxPageSize = 1000;
    public const int MaxExportRows = 100_000;

    public async Task<AuditPage> PageAsync(AuditFilter filter, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = filter.Apply(db.Audit.AsNoTracking());
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(a => a.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxPageSize))
            .Select(AuditEntry.FromEntity).ToListAsync(ct);
        return new AuditPage(entries, total);
    }

    /// <summary>The filtered entries, oldest first, streamed for export (at most <see cref="MaxExportRows"/>, the newest ones).</summary>
    public async IAsyncEnumerable<AuditEntry> ExportAsync(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = filter.Apply(db.Audit.AsNoTracking());
        var firstId = await query.OrderByDescending(a => a.Id).Skip(MaxExportRows - 1).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct) ?? 0;
        await foreach (var entry in query.Where(a => a.Id >= firstId).OrderBy(a => a.Id).Select(AuditEntry.FromEntity).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return entry;
        }
    }
}

using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>A release etcd refused for good, waiting for an admin.</summary>
public sealed record ParkedRelease(long Id, string EtcdKey, long Revision, int Bytes, string Reason, DateTimeOffset ParkedAt, DateTimeOffset CreatedAt);

/// <summary>Lists parked outbox rows and lets an admin retry (deliver again, e.g. after raising etcd's request limit) or drop them.</summary>
public sealed class ParkedReleases(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    OutboxSignal signal,
    DeliveryStatus status,
    TimeProvider time)
{
    public async Task<IReadOnlyList<ParkedRelease>> ListAsync(int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.Outbox.AsNoTracking().Where(o => o.ParkedAt != null).OrderBy(o => o.Id).Take(max)
            .Select(o => new ParkedRelease(o.Id, o.EtcdKey, o.Revision, o.Document.Length, o.LastError ?? "", o.ParkedAt!.Value, o.CreatedAt))
            .ToListAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.Outbox.CountAsync(o => o.ParkedAt != null, ct);
    }

    /// <summary>Puts a parked row back in line; the relay tries it again (and parks it again if etcd still refuses).</summary>
    public async Task RetryAsync(long id, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var row = await RequireParkedAsync(db, id, ct);
        row.ParkedAt = null;
        AuditLog.Record(db, time.GetUtcNow(), user, "outbox.retry", row.EtcdKey, $"r{row.Revision}: {row.LastError}",
            before: new { row.Id, row.Revision, Parked = true }, after: new { row.Id, row.Revision, Parked = false });
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        signal.Notify();
        status.OutboxChanged();
    }

    /// <summary>Gives up on a parked row: etcd keeps what it has; the release stays in the history.</summary>
    public async Task DropAsync(long id, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var row = await RequireParkedAsync(db, id, ct);
        db.Outbox.Remove(row);
        AuditLog.Record(db, time.GetUtcNow(), user, "outbox.drop", row.EtcdKey, $"r{row.Revision}: {row.LastError}",
            before: new { row.Id, row.Revision, Parked = true });
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        status.OutboxChanged();
    }

    private static async Task<Storage.Entities.OutboxEntity> RequireParkedAsync(ConfigCenterDbContext db, long id, CancellationToken ct)
    {
        var row = await db.Outbox.FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw ConfigCenterException.NotFound($"There is no outbox row {id}.");
        if (row.ParkedAt is null) throw ConfigCenterException.Conflict($"Outbox row {id} is not parked ({(row.DeliveredAt is null ? "it is waiting for delivery" : "it was delivered")}).");
        return row;
    }
}

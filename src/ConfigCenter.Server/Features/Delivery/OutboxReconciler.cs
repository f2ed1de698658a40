using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// Compares the current release of every namespace in SQLite with etcd and queues whatever etcd is
/// missing or holds older, so losing etcd's data (or a crash before delivery) loses nothing.
/// </summary>
internal sealed class OutboxReconciler(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    EtcdConnection etcd,
    Infrastructure.SqliteWriteGate writeGate,
    IOptions<ConfigCenterServerOptions> options,
    TimeProvider time,
    ILogger<OutboxReconciler> logger)
{
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var prefix = options.Value.Etcd.Prefix;
        var root = EtcdKeys.ConfigRoot(prefix);
        var range = await etcd.GetPrefixAsync(root, ct);
        var stored = range.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => ReleaseDocuments.HeadOf(kv.Value.Span), StringComparer.Ordinal);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await ReleaseQueries.CurrentReleases(db).ToListAsync(ct);
        // Parked rows count as queued: re-queuing a release etcd refused would only park it again.
        var pending = (await db.Outbox.Where(o => o.DeliveredAt == null).Select(o => new { o.EtcdKey, o.Revision }).ToListAsync(ct))
            .Select(o => (o.EtcdKey, o.Revision)).ToHashSet();
        var queued = 0;
        foreach (var release in current)
        {
            var key = EtcdKeys.Config(prefix, release.EnvironmentId, release.AppId, release.Namespace);
            if (stored.TryGetValue(key, out var head) && !ReleaseOrder.IsNewer(release.Generation, release.Revision, head.Generation, head.Revision)) continue;
            if (pending.Contains((key, release.Revision))) continue;
            db.Outbox.Add(new OutboxEntity
            {
                EtcdKey = key,
                Revision = release.Revision,
                Generation = release.Generation,
                Document = ReleaseMapper.ToBytes(release),
                CreatedAt = time.GetUtcNow(),
            });
            queued++;
        }
        if (queued > 0)
        {
            using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
            logger.LogWarning("Reconciliation queued {Count} releases that etcd was missing or held older", queued);
        }
        else
        {
            logger.LogInformation("Reconciliation found etcd up to date ({Count} namespaces)", current.Count);
        }
        return queued;
    }
}

using ConfigCenter.Etcd;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// Delivers committed releases to etcd in commit order. Woken by <see cref="OutboxSignal"/>; while etcd
/// fails it retries with jittered exponential backoff and keeps every row until etcd confirmed it. A row that
/// etcd refuses for good (too large, invalid, not permitted) is parked with etcd's reason instead of blocking
/// every row behind it; a later release of the same namespace supersedes it. Before its first batch the relay
/// reconciles the store against etcd, so releases missing there are republished. On PostgreSQL several replicas share
/// the outbox: exactly one relays at a time, the leader of an etcd election, and each of its etcd writes is fenced with
/// its leadership (see <see cref="EtcdReleaseWriter.WriteAsync"/>), so a replica that lost leadership cannot write once
/// another may lead (docs/scale-out.md).
/// </summary>
internal sealed class OutboxRelay(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    EtcdConnection etcd,
    EtcdReleaseWriter writer,
    OutboxReconciler reconciler,
    OutboxSignal signal,
    Infrastructure.SqliteWriteGate writeGate,
    DeliveryStatus status,
    Telemetry.ServerMetrics metrics,
    ReplicaIdentity replica,
    Microsoft.Extensions.Options.IOptions<Infrastructure.ConfigCenterServerOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>How long a crashed leader keeps the relay before another replica takes it (a stopping leader resigns at once).</summary>
    internal static readonly TimeSpan LeaderTtl = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On PostgreSQL a publish on another replica wakes this one through <see cref="ReplicaSignals"/>; the leader also looks
    /// this often, in case a notification was lost while its listener reconnected.
    /// </summary>
    private static readonly TimeSpan IdleRecheck = TimeSpan.FromSeconds(2);

    // etcd allows 128 operations per transaction by default and 1.5 MiB per request.
    private const int BatchRows = 128;
    private const int BatchBytes = 1024 * 1024;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    // Untracked (rows are marked with ExecuteUpdate, so tracking would only snapshot every document) and compiled once.
    private static readonly Func<ConfigCenterDbContext, IAsyncEnumerable<OutboxEntity>> Pending = EF.CompileAsyncQuery((ConfigCenterDbContext db) =>
        db.Outbox.AsNoTracking().Where(o => o.DeliveredAt == null && o.ParkedAt == null).OrderBy(o => o.Id).Take(BatchRows));

    // Whether parked rows may exist, so the hot path skips looking for superseded ones when none can be (only the
    // relay parks; unknown at start).
    private bool _mayHaveParked = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!etcd.Enabled) return;
        if (!options.Value.Store.IsPostgres)
        {
            // One server per SQLite file (the data-directory lock): it always relays.
            status.RelayLeadership(true, null);
            await RelayAsync(null, stoppingToken);
            return;
        }
        var election = new EtcdElection(etcd, RelayElectionName(options.Value.Etcd.Prefix), LeaderTtl, logger);
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            EtcdOwnership ownership;
            try
            {
                ownership = await election.CampaignAsync(replica.Id, stoppingToken);
                backoff = MinBackoff;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Campaigning for the outbox relay failed, retrying in {Delay} ms: {Error}", (int)backoff.TotalMilliseconds, e.Message);
                await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                continue;
            }
            await using (ownership)
            {
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, ownership.Lost);
                logger.LogInformation("Replica {Replica} relays the outbox (fencing token {Token})", replica.Id, ownership.FencingToken);
                status.RelayLeadership(true, ownership.FencingToken);
                try
                {
                    await RelayAsync(ownership, leading.Token);
                }
                finally
                {
                    status.RelayLeadership(false, null);
                }
                if (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Replica {Replica} stopped relaying the outbox: {Reason}; campaigning again", replica.Id, ownership.LostReason ?? "fenced out");
                }
            }
        }
    }

    /// <summary>The etcd election the replicas' relays campaign in (one leader at a time).</summary>
    internal static string RelayElectionName(string prefix) => $"{Contracts.EtcdKeys.NormalizePrefix(prefix)}/election/_server/outbox-relay";

    /// <summary>Delivers until <paramref name="ct"/> ends (stopping, or leadership lost) or etcd fences this relay out.</summary>
    private async Task RelayAsync(EtcdOwnership? fence, CancellationToken ct)
    {
        var backoff = MinBackoff;
        var reconciled = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!reconciled)
                {
                    await reconciler.ReconcileAsync(ct);
                    reconciled = true;
                }
                if (!await DeliverBatchAsync(fence, ct))
                {
                    if (fence is null) await signal.WaitAsync(ct);
                    else await signal.WaitAsync(IdleRecheck, time, ct);
                }
                backoff = MinBackoff;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RelayFencedException e)
            {
                logger.LogWarning("{Error}", e.Message);
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Outbox delivery failed, retrying in {Delay} ms: {Error}", (int)backoff.TotalMilliseconds, e.Message);
                status.Failed(e.Message, time.GetUtcNow());
                await RecordFailureAsync(e.Message, ct);
                var jitter = Random.Shared.NextDouble() * 0.3 + 0.85;
                await signal.WaitAsync(backoff * jitter, time, ct);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>Delivers one batch; false when nothing was pending.</summary>
    private async Task<bool> DeliverBatchAsync(EtcdOwnership? fence, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var pending = new List<OutboxEntity>();
        await foreach (var row in Pending(db).WithCancellation(ct)) pending.Add(row);
        if (pending.Count == 0) return false;
        var batch = new List<OutboxEntity>();
        var bytes = 0;
        foreach (var row in pending)
        {
            if (batch.Count > 0 && bytes + row.Document.Length > BatchBytes) break;
            batch.Add(row);
            bytes += row.Document.Length;
        }
        using var activity = Telemetry.ServerTracing.StartRelay(options.Value.Etcd.Prefix, batch);
        try
        {
            await writer.WriteAsync(batch, ct, fence);
            await MarkDeliveredAsync(db, batch, ct);
        }
        catch (RpcException e) when (EtcdErrors.IsPermanent(e))
        {
            // One row of the batch (or the batch as a whole) is refused for good: deliver row by row, in order, and park
            // only the rows etcd refuses on their own. A transient failure on the way ends the pass; delivered rows stay so.
            logger.LogWarning("etcd refused a batch of {Count} outbox rows ({Status}: {Detail}); delivering them one by one",
                batch.Count, e.StatusCode, e.Status.Detail);
            foreach (var row in batch)
            {
                try
                {
                    await writer.WriteAsync([row], ct, fence);
                    await MarkDeliveredAsync(db, [row], ct);
                }
                catch (RpcException single) when (EtcdErrors.IsPermanent(single))
                {
                    await ParkAsync(db, row, $"{single.StatusCode}: {single.Status.Detail}", ct);
                }
            }
        }
        return true;
    }

    private async Task MarkDeliveredAsync(ConfigCenterDbContext db, IReadOnlyList<OutboxEntity> rows, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ids = rows.Select(r => r.Id).ToList();
        using (await writeGate.EnterAsync(ct))
        {
            await db.Outbox.Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.DeliveredAt, now), ct);
            if (_mayHaveParked) await RemoveSupersededAsync(db, rows, ct);
        }
        status.Delivered(now);
        foreach (var row in rows) metrics.Delivered(row.CreatedAt);
        logger.LogDebug("Delivered {Count} outbox rows to etcd", rows.Count);
    }

    /// <summary>A parked release of a namespace whose later release just reached etcd is superseded: nothing is left to deliver.</summary>
    private async Task RemoveSupersededAsync(ConfigCenterDbContext db, IReadOnlyList<OutboxEntity> delivered, CancellationToken ct)
    {
        var keys = delivered.Select(r => r.EtcdKey).Distinct(StringComparer.Ordinal).ToList();
        var parked = await db.Outbox.Where(o => o.ParkedAt != null && keys.Contains(o.EtcdKey)).Select(o => new { o.Id, o.EtcdKey }).ToListAsync(ct);
        var superseded = parked.Where(p => delivered.Any(d => d.EtcdKey == p.EtcdKey && d.Id > p.Id)).Select(p => p.Id).ToList();
        if (superseded.Count > 0)
        {
            await db.Outbox.Where(o => superseded.Contains(o.Id)).ExecuteDeleteAsync(ct);
            logger.LogInformation("{Count} parked outbox rows were superseded by newer releases", superseded.Count);
        }
        _mayHaveParked = await db.Outbox.AnyAsync(o => o.ParkedAt != null, ct);
    }

    private async Task ParkAsync(ConfigCenterDbContext db, OutboxEntity row, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        _mayHaveParked = true;
        using (await writeGate.EnterAsync(ct))
        {
            await db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.ParkedAt, now)
                .SetProperty(o => o.LastError, reason)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct);
        }
        logger.LogError("Parked outbox row {Id} ({Key} r{Revision}, {Bytes} bytes): etcd refused it for good: {Reason}. " +
                        "Later releases keep flowing; retry or drop it from the status page.", row.Id, row.EtcdKey, row.Revision, row.Document.Length, reason);
        status.Parked(reason, now);
    }

    private async Task RecordFailureAsync(string error, CancellationToken ct)
    {
        try
        {
            using var gate = await writeGate.EnterAsync(ct);
            await using var db = await dbFactory.CreateOpenedAsync(ct);
            var first = await db.Outbox.Where(o => o.DeliveredAt == null && o.ParkedAt == null).OrderBy(o => o.Id).Select(o => o.Id).FirstOrDefaultAsync(ct);
            if (first != 0)
            {
                await db.Outbox.Where(o => o.Id == first).ExecuteUpdateAsync(
                    s => s.SetProperty(o => o.Attempts, o => o.Attempts + 1).SetProperty(o => o.LastError, error), ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not record the outbox failure");
        }
    }
}

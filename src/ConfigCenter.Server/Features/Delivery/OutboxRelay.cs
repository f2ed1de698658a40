using ConfigCenter.Etcd;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// Delivers committed releases to etcd in commit order. Woken by <see cref="OutboxSignal"/>; while etcd
/// fails it retries with jittered exponential backoff and keeps every row until etcd confirmed it. Before
/// its first batch it reconciles SQLite against etcd, so releases missing there are republished.
/// </summary>
internal sealed class OutboxRelay(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    EtcdConnection etcd,
    EtcdReleaseWriter writer,
    OutboxReconciler reconciler,
    OutboxSignal signal,
    Infrastructure.SqliteWriteGate writeGate,
    DeliveryStatus status,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    // etcd allows 128 operations per transaction by default and 1.5 MiB per request.
    private const int BatchRows = 128;
    private const int BatchBytes = 1024 * 1024;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!etcd.Enabled) return;
        var backoff = MinBackoff;
        var reconciled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!reconciled)
                {
                    await reconciler.ReconcileAsync(stoppingToken);
                    reconciled = true;
                }
                if (!await DeliverBatchAsync(stoppingToken)) await signal.WaitAsync(stoppingToken);
                backoff = MinBackoff;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Outbox delivery failed, retrying in {Delay} ms: {Error}", (int)backoff.TotalMilliseconds, e.Message);
                status.Failed(e.Message, time.GetUtcNow());
                await RecordFailureAsync(e.Message, stoppingToken);
                var jitter = Random.Shared.NextDouble() * 0.3 + 0.85;
                await signal.WaitAsync(backoff * jitter, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>Delivers one batch; false when nothing was pending.</summary>
    private async Task<bool> DeliverBatchAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var pending = await db.Outbox.Where(o => o.DeliveredAt == null).OrderBy(o => o.Id).Take(BatchRows).ToListAsync(ct);
        if (pending.Count == 0) return false;
        var batch = new List<Storage.Entities.OutboxEntity>();
        var bytes = 0;
        foreach (var row in pending)
        {
            if (batch.Count > 0 && bytes + row.Document.Length > BatchBytes) break;
            batch.Add(row);
            bytes += row.Document.Length;
        }
        await writer.WriteAsync(batch, ct);
        var now = time.GetUtcNow();
        var ids = batch.Select(r => r.Id).ToList();
        using (await writeGate.EnterAsync(ct))
        {
            await db.Outbox.Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.DeliveredAt, now), ct);
        }
        status.Delivered(now);
        logger.LogDebug("Delivered {Count} outbox rows to etcd", batch.Count);
        return true;
    }

    private async Task RecordFailureAsync(string error, CancellationToken ct)
    {
        try
        {
            using var gate = await writeGate.EnterAsync(ct);
            await using var db = await dbFactory.CreateOpenedAsync(ct);
            var first = await db.Outbox.Where(o => o.DeliveredAt == null).OrderBy(o => o.Id).Select(o => o.Id).FirstOrDefaultAsync(ct);
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

using System.Collections.Concurrent;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Storage.Entities;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// Writes a batch of outbox rows to etcd. Each key is written only when etcd holds a lower revision: the
/// stored documents are read first, then one transaction puts every key that needs it, guarded by the
/// mod_revision each key had when read. A concurrent writer (another replica) makes the guard fail and
/// the batch is re-read, so replays are idempotent and an older release never overwrites a newer one.
/// The read is skipped when this server already knows each key's state (from its own last write or its release
/// watch): the guard still checks it, and a stale guess only costs the read it would have done anyway.
/// </summary>
internal sealed class EtcdReleaseWriter(EtcdConnection etcd, ILogger<EtcdReleaseWriter> logger)
{
    private const int MaxGuardedAttempts = 8;

    // Per etcd key, the release (generation, revision) and mod_revision this server last saw etcd hold.
    private readonly ConcurrentDictionary<string, (ReleaseHeadInEtcd Head, long ModRevision)> _known = new(StringComparer.Ordinal);

    /// <summary>Records what etcd holds for a key (a watch event or a write); an older observation never replaces a newer one.</summary>
    public void Observed(string key, ReleaseHeadInEtcd head, long modRevision) =>
        _known.AddOrUpdate(key, (head, modRevision), (_, old) => modRevision > old.ModRevision ? (head, modRevision) : old);

    /// <summary>Forgets a key (deleted in etcd): the next write reads it first.</summary>
    public void Forget(string key) => _known.TryRemove(key, out _);

    /// <summary>
    /// Writes the rows. With <paramref name="fence"/> (the relay's leadership on PostgreSQL) every transaction also requires
    /// the leader key to exist with this leader's create revision, so a replica that lost leadership (paused, partitioned)
    /// cannot write once another may lead: etcd refuses the transaction and this throws <see cref="RelayFencedException"/>.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<OutboxEntity> rows, CancellationToken ct, EtcdOwnership? fence = null)
    {
        // Within a batch only the newest row per key matters: etcd keeps one document per namespace.
        var newest = rows.GroupBy(r => r.EtcdKey, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.Id).First())
            .ToList();

        for (var attempt = 0; attempt < MaxGuardedAttempts; attempt++)
        {
            var stored = attempt == 0 && TryKnown(newest) is { } known ? known : await ReadAsync(newest, ct);
            var txn = new TxnRequest();
            foreach (var row in newest)
            {
                var (head, modRevision) = stored[row.EtcdKey];
                if (row.Document.Length == 0)
                {
                    if (modRevision == 0) continue;
                    txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdRanges.Key(row.EtcdKey) } });
                }
                else
                {
                    if (!IsNewer(row, head)) continue;
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = EtcdRanges.Key(row.EtcdKey), Value = UnsafeByteOperations.UnsafeWrap(row.Document) } });
                }
                txn.Compare.Add(EtcdKv.ModRevisionEquals(EtcdRanges.Key(row.EtcdKey), modRevision));
            }
            if (txn.Success.Count == 0) return;
            if (fence is not null)
            {
                txn.Compare.Add(fence.IsOwnerCompare());
                txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = EtcdRanges.Key(fence.Key) } });
            }
            TxnResponse response;
            using (var span = Telemetry.ServerTracing.StartEtcd("write", txn.Success.Count))
            {
                response = await etcd.TxnAsync(txn, ct);
                span?.SetTag("configcenter.etcd.succeeded", response.Succeeded).SetTag("configcenter.etcd.revision", response.Header.Revision);
            }
            if (!response.Succeeded && fence is not null && !StillLeads(response, fence))
            {
                throw new RelayFencedException($"etcd refused the relay's write: this replica no longer leads {fence.Name} (token {fence.FencingToken}).");
            }
            if (response.Succeeded)
            {
                foreach (var row in newest)
                {
                    if (row.Document.Length == 0) Forget(row.EtcdKey);
                    else if (IsNewer(row, stored[row.EtcdKey].Head)) Observed(row.EtcdKey, new ReleaseHeadInEtcd(row.Generation, row.Revision), response.Header.Revision);
                }
                return;
            }
            foreach (var row in newest) Forget(row.EtcdKey);
            logger.LogInformation("etcd changed under the relay (attempt {Attempt}); re-reading {Count} keys", attempt + 1, newest.Count);
        }
        throw new InvalidOperationException($"etcd kept changing under the relay for {MaxGuardedAttempts} attempts.");
    }

    /// <summary>
    /// The known state of every key, when each is known and each would be written (its release is newer than what
    /// etcd holds); null sends the batch to the read. Deletions and skips always read: they act on what etcd holds now.
    /// </summary>
    private Dictionary<string, (ReleaseHeadInEtcd Head, long ModRevision)>? TryKnown(List<OutboxEntity> rows)
    {
        var result = new Dictionary<string, (ReleaseHeadInEtcd, long)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Document.Length == 0 || !_known.TryGetValue(row.EtcdKey, out var state) || !IsNewer(row, state.Head)) return null;
            result[row.EtcdKey] = state;
        }
        return result;
    }

    /// <summary>Whether the failed transaction's read of the leader key shows this leader's key (create revision = token).</summary>
    private static bool StillLeads(TxnResponse response, EtcdOwnership fence) =>
        response.Responses.Count > 0 && response.Responses[0].ResponseRange?.Kvs.FirstOrDefault()?.CreateRevision == fence.FencingToken;

    private static bool IsNewer(OutboxEntity row, ReleaseHeadInEtcd stored) =>
        ReleaseOrder.IsNewer(row.Generation, row.Revision, stored.Generation, stored.Revision);

    private async Task<Dictionary<string, (ReleaseHeadInEtcd Head, long ModRevision)>> ReadAsync(List<OutboxEntity> rows, CancellationToken ct)
    {
        var read = new TxnRequest();
        foreach (var row in rows) read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = EtcdRanges.Key(row.EtcdKey) } });
        TxnResponse response;
        using (Telemetry.ServerTracing.StartEtcd("read", rows.Count)) response = await etcd.TxnAsync(read, ct);
        var result = new Dictionary<string, (ReleaseHeadInEtcd, long)>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var kv = response.Responses[i].ResponseRange.Kvs.FirstOrDefault();
            result[rows[i].EtcdKey] = kv is null ? (new ReleaseHeadInEtcd("", 0), 0) : (ReleaseDocuments.HeadOf(kv.Value.Span), kv.ModRevision);
        }
        return result;
    }
}

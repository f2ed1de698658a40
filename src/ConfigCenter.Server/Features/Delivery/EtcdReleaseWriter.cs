using ConfigCenter.Server.Infrastructure.Etcd;
using ConfigCenter.Storage.Entities;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// Writes a batch of outbox rows to etcd. Each key is written only when etcd holds a lower revision: the
/// stored documents are read first, then one transaction puts every key that needs it, guarded by the
/// mod_revision each key had when read. A concurrent writer (another replica) makes the guard fail and
/// the batch is re-read, so replays are idempotent and an older release never overwrites a newer one.
/// </summary>
internal sealed class EtcdReleaseWriter(EtcdConnection etcd, ILogger<EtcdReleaseWriter> logger)
{
    private const int MaxGuardedAttempts = 8;

    public async Task WriteAsync(IReadOnlyList<OutboxEntity> rows, CancellationToken ct)
    {
        // Within a batch only the newest row per key matters: etcd keeps one document per namespace.
        var newest = rows.GroupBy(r => r.EtcdKey, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.Id).First())
            .ToList();

        for (var attempt = 0; attempt < MaxGuardedAttempts; attempt++)
        {
            var stored = await ReadAsync(newest, ct);
            var txn = new TxnRequest();
            foreach (var row in newest)
            {
                var (revision, modRevision) = stored[row.EtcdKey];
                if (row.Document.Length == 0)
                {
                    if (modRevision == 0) continue;
                    txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdRanges.Key(row.EtcdKey) } });
                }
                else
                {
                    if (revision >= row.Revision) continue;
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = EtcdRanges.Key(row.EtcdKey), Value = ByteString.CopyFromUtf8(row.Document) } });
                }
                txn.Compare.Add(new Compare
                {
                    Key = EtcdRanges.Key(row.EtcdKey),
                    Target = Compare.Types.CompareTarget.Mod,
                    Result = Compare.Types.CompareResult.Equal,
                    ModRevision = modRevision,
                });
            }
            if (txn.Success.Count == 0) return;
            var response = await etcd.CallAsync((invoker, options) => new KV.KVClient(invoker).TxnAsync(txn, options).ResponseAsync, ct);
            if (response.Succeeded) return;
            logger.LogInformation("etcd changed under the relay (attempt {Attempt}); re-reading {Count} keys", attempt + 1, newest.Count);
        }
        throw new InvalidOperationException($"etcd kept changing under the relay for {MaxGuardedAttempts} attempts.");
    }

    private async Task<Dictionary<string, (long Revision, long ModRevision)>> ReadAsync(List<OutboxEntity> rows, CancellationToken ct)
    {
        var read = new TxnRequest();
        foreach (var row in rows) read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = EtcdRanges.Key(row.EtcdKey) } });
        var response = await etcd.CallAsync((invoker, options) => new KV.KVClient(invoker).TxnAsync(read, options).ResponseAsync, ct);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var kv = response.Responses[i].ResponseRange.Kvs.FirstOrDefault();
            result[rows[i].EtcdKey] = kv is null ? (0, 0) : (ReleaseDocuments.RevisionOf(kv.Value.Span), kv.ModRevision);
        }
        return result;
    }
}

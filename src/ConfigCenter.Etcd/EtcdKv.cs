using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Etcd;

/// <summary>
/// The key-value and cluster calls the server and client make, over <see cref="EtcdConnection.CallAsync{T}"/> (failover,
/// auth, hasleader, deadline), so no caller outside this library builds a gRPC client.
/// </summary>
public static class EtcdKv
{
    /// <summary>Reads one key (its value and revisions; no key-value when absent).</summary>
    public static Task<RangeResponse> GetAsync(this EtcdConnection etcd, string key, CancellationToken ct) =>
        RangeAsync(etcd, new RangeRequest { Key = EtcdRanges.Key(key) }, ct);

    /// <summary>Reads every key starting with <paramref name="prefix"/>.</summary>
    public static Task<RangeResponse> GetPrefixAsync(this EtcdConnection etcd, string prefix, CancellationToken ct) =>
        RangeAsync(etcd, new RangeRequest { Key = EtcdRanges.Key(prefix), RangeEnd = EtcdRanges.PrefixEnd(prefix) }, ct);

    /// <summary>How many keys start with <paramref name="prefix"/> (a count-only read: also a check that the user may read it).</summary>
    public static async Task<long> CountPrefixAsync(this EtcdConnection etcd, string prefix, CancellationToken ct)
    {
        var response = await RangeAsync(etcd, new RangeRequest { Key = EtcdRanges.Key(prefix), RangeEnd = EtcdRanges.PrefixEnd(prefix), CountOnly = true }, ct)
            .ConfigureAwait(false);
        return response.Count;
    }

    /// <summary>Deletes one key; the response says how many were deleted.</summary>
    public static Task<DeleteRangeResponse> DeleteAsync(this EtcdConnection etcd, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        return etcd.CallAsync((invoker, options) => new KV.KVClient(invoker).DeleteRangeAsync(new DeleteRangeRequest { Key = EtcdRanges.Key(key) }, options).ResponseAsync, ct);
    }

    /// <summary>Runs one transaction (compares, then success or failure operations).</summary>
    public static Task<TxnResponse> TxnAsync(this EtcdConnection etcd, TxnRequest txn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        return etcd.CallAsync((invoker, options) => new KV.KVClient(invoker).TxnAsync(txn, options).ResponseAsync, ct);
    }

    /// <summary>The cluster's members; <paramref name="timeout"/> shortens the connection's request deadline (a status probe).</summary>
    public static Task<MemberListResponse> MemberListAsync(this EtcdConnection etcd, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        return etcd.CallAsync((invoker, options) => new Cluster.ClusterClient(invoker).MemberListAsync(new MemberListRequest(),
            options.WithDeadline(DateTime.UtcNow + timeout)).ResponseAsync, ct);
    }

    /// <summary>
    /// The seconds <paramref name="leaseId"/> has left; -1 when etcd no longer knows it (expired or revoked). Tells a key
    /// deleted by hand from one that vanished with its lease.
    /// </summary>
    public static async Task<long> LeaseTimeToLiveAsync(this EtcdConnection etcd, long leaseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        var response = await etcd.CallAsync((invoker, options) => new Lease.LeaseClient(invoker).LeaseTimeToLiveAsync(
            new LeaseTimeToLiveRequest { ID = leaseId }, options).ResponseAsync, ct).ConfigureAwait(false);
        return response.TTL;
    }

    /// <summary>A guard that holds while <paramref name="key"/> still has <paramref name="modRevision"/> (0 = the key is absent).</summary>
    public static Compare ModRevisionEquals(ByteString key, long modRevision) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Mod,
        Result = Compare.Types.CompareResult.Equal,
        ModRevision = modRevision,
    };

    private static Task<RangeResponse> RangeAsync(EtcdConnection etcd, RangeRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        return etcd.CallAsync((invoker, options) => new KV.KVClient(invoker).RangeAsync(request, options).ResponseAsync, ct);
    }
}

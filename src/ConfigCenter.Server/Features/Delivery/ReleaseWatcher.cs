using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// One prefix watch per server on <c>{prefix}/config/</c>: etcd is the backplane between replicas, so a
/// release published through any replica reaches this server's cache, hub and open pages. The watch
/// (<see cref="EtcdPrefixWatch"/>) resumes from the last seen revision + 1, leaves a failed or frozen member,
/// and after compaction re-reads everything.
/// </summary>
internal sealed class ReleaseWatcher(
    EtcdConnection etcd,
    ReleaseCache cache,
    EtcdReleaseWriter writer,
    DeliveryStatus status,
    IOptions<ConfigCenterServerOptions> options,
    ILogger<ReleaseWatcher> logger) : BackgroundService, IEtcdWatchHandler
{
    // The release each key held at the last snapshot or put since; touched only on the watch's loop.
    private Dictionary<string, ReleaseHeadInEtcd> _heads = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!etcd.Enabled) return Task.CompletedTask;
        var watch = new EtcdPrefixWatch(etcd, EtcdKeys.ConfigRoot(options.Value.Etcd.Prefix), this, logger);
        return watch.RunAsync(stoppingToken);
    }

    void IEtcdWatchHandler.OnSnapshot(IReadOnlyList<Mvccpb.KeyValue> kvs, long revision)
    {
        var heads = new Dictionary<string, ReleaseHeadInEtcd>(StringComparer.Ordinal);
        foreach (var kv in kvs)
        {
            var (key, head) = Apply(kv);
            heads[key] = head;
        }
        // A key deleted while the watch could not follow (history compacted) is missing from the snapshot.
        foreach (var (key, head) in _heads) if (!heads.ContainsKey(key)) Forget(key, head);
        _heads = heads;
    }

    void IEtcdWatchHandler.OnEvents(IReadOnlyList<Mvccpb.Event> events)
    {
        foreach (var e in events)
        {
            if (e.Type == Mvccpb.Event.Types.EventType.Put)
            {
                var (key, head) = Apply(e.Kv);
                _heads[key] = head;
            }
            else
            {
                var key = e.Kv.Key.ToStringUtf8();
                _heads.Remove(key, out var deleted);
                Forget(key, deleted);
            }
        }
    }

    void IEtcdWatchHandler.OnConnected(string endpoint) => status.Reachable();

    // The watch logs its own failures and retries; delivery status reflects the relay's writes.
    void IEtcdWatchHandler.OnDisconnected(string endpoint, string reason) { }

    private (string Key, ReleaseHeadInEtcd Head) Apply(Mvccpb.KeyValue kv)
    {
        var key = kv.Key.ToStringUtf8();
        var head = ReleaseDocuments.HeadOf(kv.Value.Span);
        writer.Observed(key, head, kv.ModRevision);
        // This replica's own publishes are already in the cache: skip them without parsing the items.
        if (IsCached(key, head)) return (key, head);
        // The cache keeps the bytes etcd holds; they are what the read endpoint serves.
        if (ReleaseDocuments.TryParse(kv.Value.Span, logger, key) is { } document) cache.TryUpdate(document, kv.Value.ToByteArray());
        return (key, head);
    }

    /// <summary>
    /// A deleted key (its app was deleted): this replica stops serving it too — unless the cache already holds a newer
    /// release than the one deleted (the app was created again and published here before this event arrived).
    /// </summary>
    private void Forget(string key, ReleaseHeadInEtcd deleted)
    {
        writer.Forget(key);
        if (EtcdKeys.TryParseConfig(options.Value.Etcd.Prefix, key, out var env, out var app, out var ns))
            cache.Remove(env, app, ns, deleted.Generation ?? "", deleted.Revision);
    }

    private bool IsCached(string key, ReleaseHeadInEtcd head) =>
        EtcdKeys.TryParseConfig(options.Value.Etcd.Prefix, key, out var env, out var app, out var ns)
        && cache.Get(env, app, ns) is { } cached
        && !ReleaseOrder.IsNewer(head.Generation, head.Revision, cached.Document.Generation, cached.Document.Revision);
}

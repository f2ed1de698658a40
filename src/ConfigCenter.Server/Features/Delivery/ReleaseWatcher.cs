using ConfigCenter.Contracts;
using ConfigCenter.Server.Hosting;
using ConfigCenter.Server.Infrastructure.Etcd;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// One prefix watch per server on <c>{prefix}/config/</c>: etcd is the backplane between replicas, so a
/// release published through any replica reaches this server's cache, hub and open pages. Resumes from
/// the last seen revision + 1; after compaction it re-reads everything and watches from there.
/// </summary>
internal sealed class ReleaseWatcher(
    EtcdConnection etcd,
    ReleaseCache cache,
    EtcdReleaseWriter writer,
    DeliveryStatus status,
    IOptions<ConfigCenterServerOptions> options,
    TimeProvider time,
    ILogger<ReleaseWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!etcd.Enabled) return;
        var root = EtcdKeys.ConfigRoot(options.Value.Etcd.Prefix);
        long next = 0;
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            var endpoint = etcd.CurrentEndpoint;
            try
            {
                if (next == 0) next = await ReadAllAsync(root, stoppingToken);
                next = await WatchAsync(root, next, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (e is RpcException rpc && EtcdConnection.IsAuthExpired(rpc)) etcd.InvalidateToken();
                else etcd.MarkFailed(endpoint);
                logger.LogWarning("Release watch on {Endpoint} failed, resuming from r{Next} in {Delay} ms: {Error}", endpoint, next, (int)backoff.TotalMilliseconds, e.Message);
                await Task.Delay(backoff, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private async Task<long> ReadAllAsync(string root, CancellationToken ct)
    {
        var response = await etcd.CallAsync((invoker, callOptions) => new KV.KVClient(invoker).RangeAsync(
            new RangeRequest { Key = EtcdRanges.Key(root), RangeEnd = EtcdRanges.PrefixEnd(root) }, callOptions).ResponseAsync, ct);
        foreach (var kv in response.Kvs) Apply(kv);
        status.Reachable();
        return response.Header.Revision + 1;
    }

    /// <summary>Watches until the stream ends; returns the revision to resume from (0 = re-read).</summary>
    private async Task<long> WatchAsync(string root, long from, CancellationToken ct)
    {
        var (invoker, headers, _) = await etcd.OpenStreamAsync(ct);
        using var call = new Watch.WatchClient(invoker).Watch(headers, cancellationToken: ct);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = EtcdRanges.Key(root),
                RangeEnd = EtcdRanges.PrefixEnd(root),
                StartRevision = from,
                ProgressNotify = true,
            },
        }, ct);
        var next = from;
        await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
        {
            if (response.CompactRevision > 0)
            {
                logger.LogWarning("Release watch compacted at r{Compact}; re-reading everything", response.CompactRevision);
                return 0;
            }
            if (response.Canceled) throw EtcdConnection.WatchCancelled(response.CancelReason);
            foreach (var e in response.Events)
            {
                if (e.Type == Mvccpb.Event.Types.EventType.Put) Apply(e.Kv);
                else Forget(e.Kv.Key.ToStringUtf8());
                next = e.Kv.ModRevision + 1;
            }
            // Progress notifications do not move the resume point: etcd before 3.4.24 can send one ahead of
            // events still pending for the watch, and resuming past them would skip releases.
        }
        return next;
    }

    private void Apply(Mvccpb.KeyValue kv)
    {
        var key = kv.Key.ToStringUtf8();
        var head = ReleaseDocuments.HeadOf(kv.Value.Span);
        writer.Observed(key, head, kv.ModRevision);
        // This replica's own publishes are already in the cache: skip them without parsing the items.
        if (IsCached(key, head)) return;
        if (ReleaseDocuments.TryParse(kv.Value.Span, logger, key) is { } document) cache.TryUpdate(document);
    }

    /// <summary>A deleted key (its app was deleted): this replica stops serving it too.</summary>
    private void Forget(string key)
    {
        writer.Forget(key);
        if (EtcdKeys.TryParseConfig(options.Value.Etcd.Prefix, key, out var env, out var app, out var ns)) cache.Remove(env, app, ns);
    }

    private bool IsCached(string key, ReleaseHeadInEtcd head) =>
        EtcdKeys.TryParseConfig(options.Value.Etcd.Prefix, key, out var env, out var app, out var ns)
        && cache.Get(env, app, ns) is { } cached
        && !ReleaseOrder.IsNewer(head.Generation, head.Revision, cached.Document.Generation, cached.Document.Revision);
}

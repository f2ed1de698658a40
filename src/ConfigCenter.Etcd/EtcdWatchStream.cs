using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>
/// One watch stream on one endpoint. Sends a progress request every <see cref="EtcdClientOptions.ProgressInterval"/>;
/// when nothing at all arrives for <see cref="EtcdClientOptions.KeepAliveTimeout"/> the member is considered frozen
/// and the stream fails, so the watch moves to another endpoint.
/// </summary>
internal sealed class EtcdWatchStream(EtcdConnection connection, EtcdTarget target, IEtcdWatchHandler handler, ILogger logger)
{
    private long _lastResponse;

    /// <summary>The revision to resume from after this stream, also when it failed (0 = re-read everything).</summary>
    public long Next { get; private set; }

    /// <summary>True once etcd created the watch (the endpoint answered).</summary>
    public bool Created { get; private set; }

    /// <summary>Watches until the stream fails (throws) or etcd compacted past <paramref name="from"/> (returns, <see cref="Next"/> is 0).</summary>
    public async Task RunAsync(string prefix, long from, CancellationToken ct)
    {
        Next = from;
        var options = connection.Options;
        var time = connection.TimeProvider;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = new Watch.WatchClient(target.Invoker).Watch(target.Headers, cancellationToken: session.Token);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = EtcdRanges.Key(prefix),
                RangeEnd = EtcdRanges.PrefixEnd(prefix),
                StartRevision = from,
                ProgressNotify = true,
            },
        }, session.Token).ConfigureAwait(false);
        Volatile.Write(ref _lastResponse, time.GetTimestamp());
        var frozen = false;
        var keepAlive = ProbeAsync(call, () =>
        {
            frozen = true;
            session.Cancel();
        }, session.Token);

        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(session.Token).ConfigureAwait(false))
            {
                Volatile.Write(ref _lastResponse, time.GetTimestamp());
                if (response.Created)
                {
                    Created = true;
                    handler.OnConnected(target.Endpoint);
                    logger.LogDebug("Watching {Prefix} on {Endpoint} from r{From}", prefix, target.Endpoint, from);
                }
                if (response.CompactRevision > 0)
                {
                    logger.LogWarning("etcd compacted {Prefix} past r{Next} (now r{Compact}); reading everything again", prefix, Next, response.CompactRevision);
                    Next = 0;
                    return;
                }
                if (response.Canceled) throw EtcdErrors.WatchCancelled(response.CancelReason);
                // A response without events is a progress notification. It deliberately does not advance the resume
                // point: etcd before 3.4.24 (3.4.23 here) could send one ahead of events still pending for the watch,
                // and resuming from it would skip them.
                if (response.Events.Count == 0) continue;
                Deliver(response.Events, prefix);
                Next = response.Events[^1].Kv.ModRevision + 1;
            }
            throw new RpcException(new Status(StatusCode.Unavailable, "the watch stream ended"));
        }
        catch (Exception) when (frozen && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no response within {options.KeepAliveTimeout.TotalSeconds:0.#} s after a progress request (frozen member?)");
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Deliver(Google.Protobuf.Collections.RepeatedField<Mvccpb.Event> events, string prefix)
    {
        try
        {
            handler.OnEvents(events);
        }
        catch (Exception e)
        {
            // Redelivering would fail the same way and jam the watch: the handler's bug is logged, the watch goes on.
            logger.LogError(e, "The handler of the etcd watch on {Prefix} failed on {Count} events up to r{Revision}; they are skipped",
                prefix, events.Count, events[^1].Kv.ModRevision);
        }
    }

    private async Task ProbeAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, Action onFrozen, CancellationToken ct)
    {
        var options = connection.Options;
        var time = connection.TimeProvider;
        var write = Task.CompletedTask;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.ProgressInterval, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested) return;
            if (time.GetElapsedTime(Volatile.Read(ref _lastResponse)) > options.KeepAliveTimeout)
            {
                logger.LogWarning("etcd member {Endpoint} sent nothing for {Timeout} s; treating it as frozen", target.Endpoint, options.KeepAliveTimeout.TotalSeconds);
                onFrozen();
                return;
            }
            // gRPC allows one pending write; a write stuck on a frozen member is left for the deadline above.
            if (write.IsCompleted) write = call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, ct);
        }
    }
}

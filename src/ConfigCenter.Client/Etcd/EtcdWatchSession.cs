using ConfigCenter.Client.Internal;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Etcd;

/// <summary>
/// One watch stream on one endpoint. Sends a progress request every <see cref="EtcdTransportOptions.ProgressInterval"/>;
/// when nothing at all arrives for <see cref="EtcdTransportOptions.KeepAliveTimeout"/> the member is considered frozen
/// and the session fails so the transport moves on.
/// </summary>
internal sealed class EtcdWatchSession(EtcdTransportOptions options, TimeProvider time, TransportStatus status, string endpoint, ILogger logger)
{
    private long _lastResponse;

    /// <summary>The revision to resume from after this session, also when it failed.</summary>
    public long Next { get; private set; }

    /// <summary>Watches until the stream fails; returns the revision to resume from, or 0 to re-read everything (compaction).</summary>
    public async Task<long> RunAsync(CallInvoker invoker, Metadata headers, string prefix, long from,
        Action<IReadOnlyList<Mvccpb.KeyValue>> apply, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = new Watch.WatchClient(invoker).Watch(headers, cancellationToken: session.Token);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = ByteString.CopyFromUtf8(prefix),
                RangeEnd = EtcdWatchTransport.PrefixEnd(prefix),
                StartRevision = from,
                ProgressNotify = true,
            },
        }, session.Token);
        Volatile.Write(ref _lastResponse, time.GetTimestamp());
        var frozen = false;
        var keepAlive = KeepAliveAsync(call, () =>
        {
            frozen = true;
            session.Cancel();
        }, session.Token);

        Next = from;
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(session.Token))
            {
                Volatile.Write(ref _lastResponse, time.GetTimestamp());
                if (response.Created)
                {
                    status.Up(endpoint);
                    logger.LogDebug("Watching {Prefix} on {Endpoint} from r{From}", prefix, endpoint, from);
                }
                if (response.CompactRevision > 0)
                {
                    logger.LogWarning("etcd compacted past r{Next} (now r{Compact}); re-reading every namespace", Next, response.CompactRevision);
                    Next = 0;
                    return 0;
                }
                if (response.Canceled) throw EtcdChannels.WatchCancelled(response.CancelReason);
                if (response.Events.Count == 0) continue;
                apply([.. response.Events.Where(e => e.Type == Mvccpb.Event.Types.EventType.Put).Select(e => e.Kv)]);
                // Progress notifications deliberately do not advance the resume point: etcd before 3.4.24 could
                // send one ahead of pending events, and resuming from it would skip them.
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
            session.Cancel();
            await keepAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task KeepAliveAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, Action onFrozen, CancellationToken ct)
    {
        Task write = Task.CompletedTask;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.ProgressInterval, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested) return;
            if (time.GetElapsedTime(Volatile.Read(ref _lastResponse)) > options.KeepAliveTimeout)
            {
                logger.LogWarning("etcd member {Endpoint} sent nothing for {Timeout} s; treating it as frozen", endpoint, options.KeepAliveTimeout.TotalSeconds);
                onFrozen();
                return;
            }
            // gRPC allows one pending write; a write stuck on a frozen member is left for the deadline above.
            if (write.IsCompleted) write = call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, ct);
        }
    }
}

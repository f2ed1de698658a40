using Etcdserverpb;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>
/// Keeps a handler in step with every key under a prefix: reads the prefix, then watches from the read's revision + 1.
/// After any break it resumes from the last delivered revision + 1 (on another endpoint when the member failed or
/// froze), so no event is missed or repeated; when etcd compacted that history it reads everything again. Each watch
/// has its own stream and loop, so a slow handler stalls no other watch.
/// </summary>
public sealed class EtcdPrefixWatch
{
    private readonly EtcdConnection _connection;
    private readonly IEtcdWatchHandler _handler;
    private readonly ILogger _logger;
    private long _next;

    /// <summary>Creates the watch; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <param name="connection">The cluster to watch.</param>
    /// <param name="prefix">Every key starting with this is watched.</param>
    /// <param name="handler">Receives snapshots, events and connection changes, on the watch's loop.</param>
    /// <param name="logger">Where failures are logged; the connection's logger when null.</param>
    public EtcdPrefixWatch(EtcdConnection connection, string prefix, IEtcdWatchHandler handler, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(handler);
        _connection = connection;
        Prefix = prefix;
        _handler = handler;
        _logger = logger ?? connection.Logger;
    }

    /// <summary>The watched prefix.</summary>
    public string Prefix { get; }

    /// <summary>The revision the watch resumes from after a break; 0 before the first read and when a re-read is due.</summary>
    public long NextRevision => Volatile.Read(ref _next);

    /// <summary>Reads and watches until <paramref name="ct"/> is cancelled; failures are retried with jittered backoff, never thrown.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new EtcdBackoff(_connection.Options.MaxRetryDelay);
        while (!ct.IsCancellationRequested)
        {
            EtcdTarget? target = null;
            EtcdWatchStream? stream = null;
            try
            {
                if (NextRevision == 0) Volatile.Write(ref _next, await ReadAsync(ct).ConfigureAwait(false));
                target = await _connection.OpenAsync(ct).ConfigureAwait(false);
                stream = new EtcdWatchStream(_connection, target, _handler, _logger);
                await stream.RunAsync(Prefix, NextRevision, ct).ConfigureAwait(false);
                Volatile.Write(ref _next, stream.Next);
                backoff.Reset();
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep the progress made on the failed stream: resume after the last event it delivered.
                if (stream is not null && stream.Next > NextRevision) Volatile.Write(ref _next, stream.Next);
                if (stream?.Created == true) backoff.Reset();
                if (target is not null) _connection.Failed(target, e);
                var endpoint = target?.Endpoint ?? _connection.CurrentEndpoint;
                var error = EtcdErrors.Describe(e);
                _handler.OnDisconnected(endpoint, error);
                var delay = backoff.Next();
                _logger.LogWarning("etcd watch of {Prefix} on {Endpoint} failed ({Error}); resuming from r{Next} on {NextEndpoint} in {Delay} ms",
                    Prefix, endpoint, error, NextRevision, _connection.CurrentEndpoint, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _connection.TimeProvider, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Reads every key under the prefix, hands them over as a snapshot, and returns the revision to watch from.</summary>
    private async Task<long> ReadAsync(CancellationToken ct)
    {
        var request = new RangeRequest { Key = EtcdRanges.Key(Prefix), RangeEnd = EtcdRanges.PrefixEnd(Prefix) };
        var response = await _connection.CallAsync((invoker, o) => new KV.KVClient(invoker).RangeAsync(request, o).ResponseAsync, ct).ConfigureAwait(false);
        _logger.LogDebug("Read {Count} keys under {Prefix} at r{Revision}", response.Kvs.Count, Prefix, response.Header.Revision);
        _handler.OnConnected(_connection.CurrentEndpoint);
        _handler.OnSnapshot(response.Kvs, response.Header.Revision);
        return response.Header.Revision + 1;
    }
}

using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>The keeper's loop: grant, keep alive, notice a loss, grant again and put the keys back.</summary>
public sealed partial class EtcdLeaseKeeper
{
    private long _confirmedAt;
    private long _confirmedTtlTicks;
    private long _lostLease;
    private volatile bool _announce;
    // Completed when a caller's put failed, so the loop puts every key again after a pause.
    private TaskCompletionSource _putFailed = NewSignal();
    // Completed by StopAsync: the loop's wait for a loss or a failed put ends on it directly, not through a token registration.
    private readonly TaskCompletionSource _stopping = NewSignal();

    private async Task RunAsync(CancellationToken ct)
    {
        // Retries stay well inside the TTL, so a short outage never costs the lease.
        var maxDelay = _connection.Options.MaxRetryDelay < Ttl / 3 ? _connection.Options.MaxRetryDelay : Ttl / 3;
        var backoff = new EtcdBackoff(maxDelay);
        EtcdLeaseKeepAlives.KeptLease? kept = null;
        try
        {
            while (!ct.IsCancellationRequested && !_stopping.Task.IsCompleted)
            {
                try
                {
                    if (kept is { Lost.IsCompleted: true })
                    {
                        // Also when puts kept failing meanwhile: they failed because the lease is gone.
                        Lost(kept.Id, await kept.Lost.ConfigureAwait(false));
                        kept.Dispose();
                        kept = null;
                    }
                    if (LeaseId == 0) await GrantAsync(ct).ConfigureAwait(false);
                    var lease = LeaseId;
                    if (lease == 0) continue;
                    if (kept?.Id != lease)
                    {
                        kept?.Dispose();
                        // Kept alive on the connection's one keep-alive stream, shared with every other keeper on it.
                        kept = _connection.KeepAlives.Add(lease, Ttl, Interlocked.Read(ref _confirmedAt), TimeSpan.FromTicks(Interlocked.Read(ref _confirmedTtlTicks)));
                    }
                    if (_dirty || _announce) await PutAllAsync(ct).ConfigureAwait(false);
                    backoff.Reset();
                    var putFailed = Volatile.Read(ref _putFailed);
                    await Task.WhenAny(kept.Lost, putFailed.Task, _stopping.Task).ConfigureAwait(false);
                    if (_stopping.Task.IsCompleted) return;
                    if (kept.Lost.IsCompleted) continue;
                    // A put of the caller failed: try all keys again after a pause, as the keep-alive did before.
                    Interlocked.CompareExchange(ref _putFailed, NewSignal(), putFailed);
                    await Task.Delay(backoff.Next(), _connection.TimeProvider, ct).ConfigureAwait(false);
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    if (kept is null) ExpireIfUnconfirmed();
                    var delay = backoff.Next();
                    _logger.LogWarning("etcd lease {LeaseId} on {Endpoint} failed ({Error}); retrying in {Delay} ms",
                        LeaseId, _connection.CurrentEndpoint, EtcdErrors.Describe(e), (int)delay.TotalMilliseconds);
                    await Task.Delay(delay, _connection.TimeProvider, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            kept?.Dispose();
        }
    }

    private async Task GrantAsync(CancellationToken ct)
    {
        var previous = Interlocked.Read(ref _lostLease);
        if (previous != 0)
        {
            // After an outage every instance of a fleet re-grants at once; jitter spreads the burst.
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next((int)Math.Min(1000, Ttl.TotalMilliseconds / 6)));
            await Task.Delay(jitter, _connection.TimeProvider, ct).ConfigureAwait(false);
        }
        var grant = await _connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseGrantAsync(
            new LeaseGrantRequest { TTL = (long)Ttl.TotalSeconds }, o).ResponseAsync, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(grant.Error)) throw new RpcException(new Status(StatusCode.FailedPrecondition, $"etcd refused the lease: {grant.Error}"));
        Confirmed(grant.TTL);
        _dirty = true;
        _announce = true;
        Interlocked.Exchange(ref _leaseId, grant.ID);
    }

    /// <summary>Puts every owned key on the current lease; after a grant, announces it once they are all there.</summary>
    private async Task PutAllAsync(CancellationToken ct)
    {
        long lease;
        bool announce;
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lease = LeaseId;
            if (lease == 0) return;
            await PutOnLeaseAsync(lease, [.. _owned], ct).ConfigureAwait(false);
            _dirty = false;
            // Cleared under the lock: from here on a caller's PutAsync puts its key itself (see PutAsync).
            announce = _announce;
            _announce = false;
        }
        finally
        {
            _writeLock.Release();
        }
        if (!announce)
        {
            // A caller's failed put is now on the lease too (after a grant the announcement completes this instead).
            if (LeaseId == lease) Volatile.Read(ref _ready).TrySetResult(lease);
            return;
        }
        // Handlers run outside the write lock: they may call PutAsync.
        await GrantedAsync(lease, ct).ConfigureAwait(false);
    }

    private async Task GrantedAsync(long lease, CancellationToken ct)
    {
        var previous = Interlocked.Exchange(ref _lostLease, 0);
        if (previous == 0)
        {
            _logger.LogInformation("Granted etcd lease {LeaseId} (TTL {Ttl} s) with {Count} keys", lease, Ttl.TotalSeconds, _owned.Count);
        }
        else
        {
            _logger.LogWarning("Granted etcd lease {LeaseId} to replace lost lease {Previous}; put its {Count} keys again", lease, previous, _owned.Count);
            await RevokeQuietlyAsync(previous, ct).ConfigureAwait(false);
        }
        Volatile.Read(ref _ready).TrySetResult(lease);
        Raise(LeaseGranted, new EtcdLeaseEventArgs(lease, previous, previous == 0 ? "granted" : "granted to replace a lost lease"));
    }

    /// <summary>
    /// A lease given up locally may still live in etcd (it was restored with a fresh TTL after a restart): revoking it
    /// keeps it from lingering. Its keys were moved to the new lease, so nothing is deleted.
    /// </summary>
    private async Task RevokeQuietlyAsync(long lease, CancellationToken ct)
    {
        try
        {
            await _connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseRevokeAsync(
                new LeaseRevokeRequest { ID = lease }, o).ResponseAsync, ct).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // Usually "lease not found": etcd already let it expire.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Confirmed(long ttlSeconds)
    {
        Interlocked.Exchange(ref _confirmedTtlTicks, TimeSpan.FromSeconds(ttlSeconds).Ticks);
        Interlocked.Exchange(ref _confirmedAt, _connection.TimeProvider.GetTimestamp());
    }

    /// <summary>Gives the lease up when nothing confirmed it for the TTL etcd last reported: etcd has deleted its keys by now.</summary>
    private void ExpireIfUnconfirmed()
    {
        var lease = LeaseId;
        if (lease == 0) return;
        var elapsed = _connection.TimeProvider.GetElapsedTime(Interlocked.Read(ref _confirmedAt));
        if (elapsed > TimeSpan.FromTicks(Interlocked.Read(ref _confirmedTtlTicks)))
        {
            Lost(lease, $"not confirmed by etcd for {elapsed.TotalSeconds:0.#} s");
        }
    }

    private void Lost(long lease, string reason)
    {
        if (Interlocked.CompareExchange(ref _leaseId, 0, lease) != lease) return;
        Interlocked.Exchange(ref _lostLease, lease);
        if (Volatile.Read(ref _ready).Task.IsCompleted) Volatile.Write(ref _ready, NewReady());
        _logger.LogWarning("etcd lease {LeaseId} lost ({Reason}); granting a new one as soon as etcd answers, then putting its {Count} keys again",
            lease, reason, _owned.Count);
        Raise(LeaseLost, new EtcdLeaseEventArgs(lease, 0, reason));
    }
}

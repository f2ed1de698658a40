using System.Collections.Concurrent;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>
/// Every lease an <see cref="EtcdConnection"/>'s keepers hold, kept alive over one <c>LeaseKeepAlive</c> stream: one
/// loop sends each lease's keep-alive every TTL/3 and one reader hands each answer to its lease. A process that holds
/// many leases (a gateway registering many instances, the registry benchmark) then costs etcd one stream instead of
/// one per lease, and costs itself one loop instead of one per lease; a process with one lease works as before.
/// A lease is lost when etcd answers that it no longer knows it, or when nothing confirmed it for its whole TTL (the
/// stream broke and etcd stayed unreachable); its keeper then grants a new one.
/// </summary>
internal sealed class EtcdLeaseKeepAlives : IDisposable
{
    // The shortest time between two rounds of keep-alives.
    private static readonly TimeSpan MinSleep = TimeSpan.FromMilliseconds(50);
    // The longest time between two rounds: unanswered keep-alives are checked each round, so a stuck stream is noticed in time.
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(1);

    private readonly EtcdConnection _connection;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, KeptLease> _leases = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private long _streams;
    private long _roundTicks = MaxSleep.Ticks;
    private int _disposed;

    public EtcdLeaseKeepAlives(EtcdConnection connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
    }

    /// <summary>Leases kept alive now.</summary>
    public int Count => _leases.Count;

    /// <summary>How many keep-alive streams were opened so far (one, unless streams broke).</summary>
    public long StreamsOpened => Interlocked.Read(ref _streams);

    /// <summary>
    /// Starts keeping <paramref name="leaseId"/> alive; it was last confirmed at <paramref name="confirmedAt"/> (a
    /// <see cref="EtcdConnection.TimeProvider"/> timestamp) with <paramref name="confirmedTtl"/> left. Dispose the
    /// result to stop.
    /// </summary>
    public KeptLease Add(long leaseId, TimeSpan ttl, long confirmedAt, TimeSpan confirmedTtl)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var time = _connection.TimeProvider;
        var lease = new KeptLease(this, leaseId, ttl / 3, confirmedAt, confirmedTtl, time.GetTimestamp());
        _leases[leaseId] = lease;
        EnsureStarted();
        // Its first keep-alive is a period away: the loop's next round is soon enough, unless this lease needs shorter rounds.
        if (lease.Period / 4 < TimeSpan.FromTicks(Interlocked.Read(ref _roundTicks))) Wake();
        return lease;
    }

    private void Remove(KeptLease lease) => _leases.TryRemove(new KeyValuePair<long, KeptLease>(lease.Id, lease));

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null) return;
        lock (_startLock)
        {
            _loop ??= Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another caller woke the loop first.
        }
        catch (ObjectDisposedException)
        {
            // The connection is going away.
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = new EtcdBackoff(_connection.Options.MaxRetryDelay);
        while (!ct.IsCancellationRequested)
        {
            EtcdTarget? target = null;
            try
            {
                target = await _connection.OpenAsync(ct).ConfigureAwait(false);
                await StreamAsync(target, backoff, ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (target is not null) _connection.Failed(target, e);
                ExpireUnconfirmed();
                // Retries stay well inside the shortest keep-alive period, so a short outage never costs a lease.
                var max = _connection.Options.MaxRetryDelay;
                foreach (var lease in _leases.Values) if (lease.Period < max) max = lease.Period;
                var delay = backoff.Next();
                if (delay > max) delay = max;
                _logger.LogWarning("etcd keep-alive stream of {Count} leases on {Endpoint} failed ({Error}); retrying in {Delay} ms",
                    _leases.Count, target?.Endpoint ?? _connection.CurrentEndpoint, EtcdErrors.Describe(e), (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _connection.TimeProvider, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Runs one stream until it fails: sends due keep-alives, checks that each is answered in time.</summary>
    private async Task StreamAsync(EtcdTarget target, EtcdBackoff backoff, CancellationToken ct)
    {
        var time = _connection.TimeProvider;
        var timeout = _connection.Options.RequestTimeout;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = new Lease.LeaseClient(target.Invoker).LeaseKeepAlive(target.Headers, cancellationToken: session.Token);
        Interlocked.Increment(ref _streams);
        var reader = ReadAsync(call, backoff, session.Token);
        try
        {
            // A new stream refreshes every lease at once: the previous one may have broken before its keep-alives got through.
            foreach (var lease in _leases.Values) lease.Reset();
            while (true)
            {
                if (reader.IsCompleted) await reader.ConfigureAwait(false);
                var now = time.GetTimestamp();
                // Keep-alives go out in rounds, a quarter of the shortest period apart: each round sends every lease due
                // before the next one (so at most a quarter period early), as one burst of frames and one wake-up.
                var round = MaxSleep;
                foreach (var lease in _leases.Values) if (lease.Period / 4 < round) round = lease.Period / 4;
                if (round < MinSleep) round = MinSleep;
                Interlocked.Exchange(ref _roundTicks, round.Ticks);
                foreach (var lease in _leases.Values)
                {
                    var sent = lease.SentAt;
                    if (sent != 0 && time.GetElapsedTime(sent, now) > timeout)
                    {
                        throw new TimeoutException($"no keep-alive answer for lease {lease.Id} within {timeout.TotalSeconds:0.#} s");
                    }
                    if (lease.DueIn(now, time) > round) continue;
                    lease.Sending(now);
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease.Id }, session.Token).ConfigureAwait(false);
                }
                var sleep = round - time.GetElapsedTime(now);
                if (sleep < MinSleep) sleep = MinSleep;
                await Task.WhenAny(reader, _wake.WaitAsync(sleep, session.Token)).ConfigureAwait(false);
            }
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Hands every answer to its lease; throws when the stream ends or fails.</summary>
    private async Task ReadAsync(AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call, EtcdBackoff backoff, CancellationToken ct)
    {
        await Task.Yield();
        while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
        {
            var response = call.ResponseStream.Current;
            if (!_leases.TryGetValue(response.ID, out var lease)) continue;
            if (response.TTL <= 0)
            {
                Remove(lease);
                lease.Lose("etcd no longer knows the lease (it expired or was revoked)");
                continue;
            }
            lease.Confirm(TimeSpan.FromSeconds(response.TTL), _connection.TimeProvider.GetTimestamp());
            backoff.Reset();
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "the keep-alive stream ended"));
    }

    /// <summary>Gives up every lease nothing confirmed for the TTL etcd last reported: etcd has deleted its keys by now.</summary>
    private void ExpireUnconfirmed()
    {
        var time = _connection.TimeProvider;
        var now = time.GetTimestamp();
        foreach (var lease in _leases.Values)
        {
            lease.ClearSent();
            var elapsed = time.GetElapsedTime(lease.ConfirmedAt, now);
            if (elapsed <= lease.ConfirmedTtl) continue;
            Remove(lease);
            lease.Lose($"not confirmed by etcd for {elapsed.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Stops the stream; leases still registered are no longer kept alive (their keepers are stopping too).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        Task? loop;
        lock (_startLock) loop = _loop;
        loop?.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _wake.Dispose();
    }

    /// <summary>One lease kept alive on the shared stream.</summary>
    internal sealed class KeptLease : IDisposable
    {
        private readonly EtcdLeaseKeepAlives _owner;
        private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _confirmedAt;
        private long _confirmedTtlTicks;
        private long _sentAt;
        private long _lastSent;

        internal KeptLease(EtcdLeaseKeepAlives owner, long id, TimeSpan period, long confirmedAt, TimeSpan confirmedTtl, long now)
        {
            _owner = owner;
            Id = id;
            Period = period;
            _confirmedAt = confirmedAt;
            _confirmedTtlTicks = confirmedTtl.Ticks;
            // Just granted or confirmed: the first keep-alive is due one period later.
            _lastSent = now;
        }

        public long Id { get; }

        public TimeSpan Period { get; }

        /// <summary>Completes with the reason when the lease is lost.</summary>
        public Task<string> Lost => _lost.Task;

        public long ConfirmedAt => Interlocked.Read(ref _confirmedAt);

        public TimeSpan ConfirmedTtl => TimeSpan.FromTicks(Interlocked.Read(ref _confirmedTtlTicks));

        /// <summary>When the unanswered keep-alive was sent; 0 when every one was answered.</summary>
        internal long SentAt => Interlocked.Read(ref _sentAt);

        internal TimeSpan DueIn(long now, TimeProvider time)
        {
            var last = Interlocked.Read(ref _lastSent);
            return last == 0 ? TimeSpan.Zero : Period - time.GetElapsedTime(last, now);
        }

        internal void Sending(long now)
        {
            Interlocked.CompareExchange(ref _sentAt, now, 0);
            Interlocked.Exchange(ref _lastSent, now);
        }

        internal void Reset()
        {
            Interlocked.Exchange(ref _sentAt, 0);
            Interlocked.Exchange(ref _lastSent, 0);
        }

        internal void ClearSent() => Interlocked.Exchange(ref _sentAt, 0);

        internal void Confirm(TimeSpan ttl, long now)
        {
            Interlocked.Exchange(ref _confirmedTtlTicks, ttl.Ticks);
            Interlocked.Exchange(ref _confirmedAt, now);
            Interlocked.Exchange(ref _sentAt, 0);
        }

        internal void Lose(string reason) => _lost.TrySetResult(reason);

        /// <summary>Stops keeping the lease alive (it is not revoked).</summary>
        public void Dispose() => _owner.Remove(this);
    }
}

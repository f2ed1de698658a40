using System.Collections.Concurrent;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>
/// Holds one etcd lease and the keys put on it. Keeps the lease alive every TTL/3 over etcd's keep-alive stream (one
/// stream per <see cref="EtcdConnection"/>, shared by every keeper on it, so a process holding many leases costs etcd
/// one stream, not one per lease); when
/// the lease is lost (etcd answers that it no longer knows it, or nothing confirmed it for a whole TTL) it grants a new
/// one as soon as etcd answers, puts every owned key again on it and raises <see cref="LeaseGranted"/>. Stopping (or
/// disposing) revokes the lease, so its keys vanish at once instead of after the TTL.
/// </summary>
public sealed partial class EtcdLeaseKeeper : IAsyncDisposable
{
    private readonly EtcdConnection _connection;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ByteString> _owned = new(StringComparer.Ordinal);
    // Serialises every write that attaches keys to a lease, so a put never lands on a lease that was just replaced.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource<long> _ready = NewReady();
    private Task? _loop;
    private long _leaseId;
    private volatile bool _dirty;
    private int _stopped;

    /// <summary>Creates a keeper; nothing happens until <see cref="Start"/>.</summary>
    /// <param name="connection">The cluster.</param>
    /// <param name="ttl">The lease's time to live, whole seconds, at least 2 s. Keys vanish this long after the keeper stops answering.</param>
    /// <param name="logger">Where grants and losses are logged; the connection's logger when null.</param>
    public EtcdLeaseKeeper(EtcdConnection connection, TimeSpan ttl, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(2));
        _connection = connection;
        Ttl = TimeSpan.FromSeconds(Math.Ceiling(ttl.TotalSeconds));
        _logger = logger ?? connection.Logger;
    }

    /// <summary>The lease's time to live.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>The lease held now; 0 while none is (before the first grant, and between a loss and the next grant).</summary>
    public long LeaseId => Interlocked.Read(ref _leaseId);

    /// <summary>The keys this keeper owns (put on its lease), with their values.</summary>
    public IReadOnlyDictionary<string, ByteString> Keys => _owned;

    /// <summary>
    /// A lease was granted and every owned key has been put on it. <see cref="EtcdLeaseEventArgs.PreviousLeaseId"/> is the
    /// lost lease it replaces (0 for the first). Raised on the keeper's loop; handlers should return quickly.
    /// </summary>
    public event EventHandler<EtcdLeaseEventArgs>? LeaseGranted;

    /// <summary>The lease was lost: its keys are gone (or about to be) until the next <see cref="LeaseGranted"/>.</summary>
    public event EventHandler<EtcdLeaseEventArgs>? LeaseLost;

    /// <summary>Starts granting and keeping the lease alive in the background (once).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        if (_loop is not null) throw new InvalidOperationException("The lease keeper is already started.");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Waits until a lease is held with every owned key put on it, and returns its id. A keeper started before it owns
    /// any key completes this as soon as the lease is granted; a later put that fails makes it wait again until the
    /// keeper has put that key.
    /// </summary>
    public Task<long> WaitForLeaseAsync(CancellationToken ct) => Volatile.Read(ref _ready).Task.WaitAsync(ct);

    /// <summary>
    /// Owns <paramref name="key"/>: puts it with the lease now when one is held (it is put again on every new lease).
    /// Returns once etcd stored it, or at once when no lease is held yet (or one was granted a moment ago and the keeper
    /// is about to put every owned key on it, this one included); a failed put is retried by the keeper.
    /// On a lease already granted (<see cref="Start"/> early, then <see cref="WaitForLeaseAsync"/>) this is a single
    /// etcd write — one <c>Txn</c> — which is how a registration reaches other processes fastest.
    /// </summary>
    public Task PutAsync(string key, string value, CancellationToken ct) => PutAsync(key, ByteString.CopyFromUtf8(value), ct);

    /// <inheritdoc cref="PutAsync(string, string, CancellationToken)"/>
    public async Task PutAsync(string key, ByteString value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _owned[key] = value;
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var lease = LeaseId;
            // No lease yet, or one just granted whose keys the loop is about to put (with this one): one write, not two.
            if (lease == 0 || _announce) return;
            await PutOnLeaseAsync(lease, [new KeyValuePair<string, ByteString>(key, value)], ct).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            _dirty = true;
            // The lease is held but not every owned key is on it: WaitForLeaseAsync waits for the keeper's retry.
            var ready = Volatile.Read(ref _ready);
            if (ready.Task.IsCompleted) Interlocked.CompareExchange(ref _ready, NewReady(), ready);
            Volatile.Read(ref _putFailed).TrySetResult();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops owning <paramref name="key"/> and deletes it from etcd.</summary>
    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _owned.TryRemove(key, out _);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _connection.CallAsync((invoker, o) => new KV.KVClient(invoker).DeleteRangeAsync(
                new DeleteRangeRequest { Key = EtcdRanges.Key(key) }, o).ResponseAsync, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops keeping the lease alive and revokes it, so every owned key vanishes at once.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stopping.TrySetResult();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lease = Interlocked.Exchange(ref _leaseId, 0);
        // A lease given up while etcd was unreachable may still hold the keys in etcd: revoke that one instead.
        if (lease == 0) lease = Interlocked.Exchange(ref _lostLease, 0);
        if (lease == 0) return;
        try
        {
            // Revoke first: it deletes every key on the lease in one step, so no reader sees half an instance.
            await _connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseRevokeAsync(
                new LeaseRevokeRequest { ID = lease }, o).ResponseAsync, ct).ConfigureAwait(false);
            _logger.LogInformation("Revoked etcd lease {LeaseId}; its {Count} keys are gone", lease, _owned.Count);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or ObjectDisposedException)
        {
            _logger.LogWarning("Could not revoke etcd lease {LeaseId} ({Error}); its keys vanish when its TTL of {Ttl} s runs out",
                lease, EtcdErrors.Describe(e), Ttl.TotalSeconds);
        }
    }

    /// <summary>Stops and revokes (see <see cref="StopAsync"/>), then releases what the keeper holds.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Puts <paramref name="keys"/> with <paramref name="lease"/>, in transactions of at most 64 operations.</summary>
    private async Task PutOnLeaseAsync(long lease, IReadOnlyList<KeyValuePair<string, ByteString>> keys, CancellationToken ct)
    {
        // etcd allows 128 operations per transaction by default; 64 leaves room for a cluster configured lower.
        foreach (var chunk in keys.Chunk(64))
        {
            var txn = new TxnRequest();
            foreach (var (key, value) in chunk)
            {
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = EtcdRanges.Key(key), Value = value, Lease = lease } });
            }
            // A refused lease ("requested lease not found") is left to the keep-alive, which then grants a new one.
            await _connection.CallAsync((invoker, o) => new KV.KVClient(invoker).TxnAsync(txn, o).ResponseAsync, ct).ConfigureAwait(false);
        }
    }

    private void Raise(EventHandler<EtcdLeaseEventArgs>? handlers, EtcdLeaseEventArgs args)
    {
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<EtcdLeaseEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A lease event handler failed (lease {LeaseId})", args.LeaseId);
            }
        }
    }

    private static TaskCompletionSource<long> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

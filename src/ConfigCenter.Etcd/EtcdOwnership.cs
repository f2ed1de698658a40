using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace ConfigCenter.Etcd;

/// <summary>
/// Leadership of an <see cref="EtcdElection"/> or a lock of <see cref="EtcdLock"/>: the owner key, held on a lease an
/// <see cref="EtcdLeaseKeeper"/> keeps alive. Ownership ends when the lease is lost or the key is deleted
/// (<see cref="Lost"/> is cancelled), or on <see cref="ReleaseAsync"/> / <see cref="DisposeAsync"/>. Locks alone are not
/// safe mutual exclusion (a paused owner may act after its lease expired): guard every write with
/// <see cref="IsOwnerCompare"/> or pass <see cref="FencingToken"/> to the resource.
/// </summary>
public sealed class EtcdOwnership : IAsyncDisposable
{
    private readonly EtcdConnection _connection;
    private readonly EtcdLeaseKeeper _keeper;
    private readonly Func<CancellationToken, Task> _release;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationToken _lostToken;
    private readonly CancellationTokenSource _stopWatch = new();
    private Task? _watch;
    private string? _lostReason;
    private int _released;

    internal EtcdOwnership(EtcdConnection connection, EtcdLeaseKeeper keeper, string name, string key, long fencingToken,
        Func<CancellationToken, Task> release, ILogger logger)
    {
        _connection = connection;
        _keeper = keeper;
        Name = name;
        Key = key;
        FencingToken = fencingToken;
        LeaseId = keeper.LeaseId;
        _release = release;
        _logger = logger;
        // Kept so Lost stays readable (and cancelled) after DisposeAsync.
        _lostToken = _lost.Token;
    }

    /// <summary>The election or lock name.</summary>
    public string Name { get; }

    /// <summary>The owner key (<c>{name}/{lease id in hex}</c>).</summary>
    public string Key { get; }

    /// <summary>
    /// The owner key's create revision: it grows with every new owner, so a resource that remembers the highest token it
    /// saw can refuse a stale owner. <see cref="IsOwnerCompare"/> checks it inside an etcd transaction.
    /// </summary>
    public long FencingToken { get; }

    /// <summary>The lease the owner key is on.</summary>
    public long LeaseId { get; }

    /// <summary>Cancelled when ownership ends: the lease was lost, the key deleted, or it was released.</summary>
    public CancellationToken Lost => _lostToken;

    /// <summary>True while <see cref="Lost"/> has not fired.</summary>
    public bool IsOwner => !_lostToken.IsCancellationRequested;

    /// <summary>Why ownership ended, for logs; null while it holds.</summary>
    public string? LostReason => Volatile.Read(ref _lostReason);

    /// <summary>
    /// A transaction guard that holds only while this owner still owns: the owner key exists with create revision
    /// <see cref="FencingToken"/>. Put it in <see cref="TxnRequest.Compare"/>; a write by an owner that lost (its key
    /// expired, another owner's key came) is refused (<see cref="TxnResponse.Succeeded"/> false).
    /// </summary>
    public Compare IsOwnerCompare() => new()
    {
        Key = EtcdRanges.Key(Key),
        Target = Compare.Types.CompareTarget.Create,
        Result = Compare.Types.CompareResult.Equal,
        CreateRevision = FencingToken,
    };

    internal void Start()
    {
        _keeper.LeaseLost += OnLeaseLost;
        // The lease may have gone between the grant and here.
        if (_keeper.LeaseId != LeaseId) MarkLost("the lease was lost");
        var watch = new EtcdPrefixWatch(_connection, Key, new KeyWatch(this), _logger);
        _watch = Task.Run(() => watch.RunAsync(_stopWatch.Token));
    }

    /// <summary>Gives ownership up (resign / unlock), then revokes the lease so the key is gone at once.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        var wasOwner = IsOwner;
        MarkLost("released");
        if (wasOwner)
        {
            try
            {
                await _release(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or ObjectDisposedException)
            {
                // Revoking the lease below removes the key as well.
                _logger.LogWarning("Could not release {Name} ({Error}); revoking its lease instead", Name, EtcdErrors.Describe(e));
            }
        }
        await StopAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Releases (see <see cref="ReleaseAsync"/>) and frees what the handle holds.</summary>
    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopWatch.Dispose();
        _lost.Dispose();
    }

    private async Task StopAsync(CancellationToken ct)
    {
        _keeper.LeaseLost -= OnLeaseLost;
        if (!_stopWatch.IsCancellationRequested) await _stopWatch.CancelAsync().ConfigureAwait(false);
        if (_watch is not null) await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _keeper.StopAsync(ct).ConfigureAwait(false);
        await _keeper.DisposeAsync().ConfigureAwait(false);
    }

    private void OnLeaseLost(object? sender, EtcdLeaseEventArgs e)
    {
        if (e.LeaseId == LeaseId) MarkLost($"lease {e.LeaseId} lost ({e.Reason})");
    }

    private void MarkLost(string reason)
    {
        if (Interlocked.CompareExchange(ref _lostReason, reason, null) is not null) return;
        if (reason != "released") _logger.LogWarning("Lost ownership of {Name} (key {Key}, token {Token}): {Reason}", Name, Key, FencingToken, reason);
        try
        {
            _lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: nobody listens any more.
        }
    }

    /// <summary>Watches the owner key: deleted, or replaced by a key with another create revision, means ownership ended.</summary>
    private sealed class KeyWatch(EtcdOwnership owner) : IEtcdWatchHandler
    {
        private readonly ByteString _key = EtcdRanges.Key(owner.Key);

        public void OnSnapshot(IReadOnlyList<KeyValue> kvs, long revision)
        {
            var kv = kvs.FirstOrDefault(k => k.Key == _key);
            if (kv is null) owner.MarkLost("the owner key is gone");
            else if (kv.CreateRevision != owner.FencingToken) owner.MarkLost("the owner key was created again");
        }

        public void OnEvents(IReadOnlyList<Event> events)
        {
            foreach (var e in events.Where(e => e.Kv.Key == _key))
            {
                if (e.Type == Event.Types.EventType.Delete) owner.MarkLost("the owner key was deleted");
                else if (e.Kv.CreateRevision != owner.FencingToken) owner.MarkLost("the owner key was created again");
            }
        }

        public void OnConnected(string endpoint)
        {
        }

        public void OnDisconnected(string endpoint, string reason)
        {
        }
    }
}

using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd;

/// <summary>
/// A distributed lock on etcd's lock API. <see cref="AcquireAsync"/> grants a lease (kept alive by an
/// <see cref="EtcdLeaseKeeper"/>; a lock taken without one silently ends after etcd's default 60 s) and waits until the
/// lock is held. Waiters get it in the order they asked; a holder that dies is replaced when its lease expires.
/// </summary>
public sealed class EtcdLock
{
    private readonly EtcdConnection _connection;
    private readonly ILogger _logger;

    /// <summary>Creates the lock; nothing happens until <see cref="AcquireAsync"/>.</summary>
    /// <param name="connection">The cluster.</param>
    /// <param name="name">The lock's key prefix, e.g. <c>/configcenter/lock/prod/migrate</c>.</param>
    /// <param name="ttl">The lease TTL (at least 2 s): how long a dead holder keeps the lock.</param>
    /// <param name="logger">Where acquisitions and losses are logged; the connection's logger when null.</param>
    public EtcdLock(EtcdConnection connection, string name, TimeSpan ttl, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(2));
        _connection = connection;
        Name = name;
        Ttl = ttl;
        _logger = logger ?? connection.Logger;
    }

    /// <summary>The lock name (key prefix).</summary>
    public string Name { get; }

    /// <summary>The lease TTL of each acquisition.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Waits until the lock is held and returns the holder's handle.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the request is withdrawn.</exception>
    public async Task<EtcdOwnership> AcquireAsync(CancellationToken ct)
    {
        var keeper = new EtcdLeaseKeeper(_connection, Ttl, _logger);
        try
        {
            keeper.Start();
            var lease = await keeper.WaitForLeaseAsync(ct).ConfigureAwait(false);
            var request = new V3Lockpb.LockRequest { Name = EtcdRanges.Key(Name), Lease = lease };
            // Lock blocks until the lock is held: no request deadline, only the caller's token.
            var response = await _connection.CallAsync((invoker, o) => new V3Lockpb.Lock.LockClient(invoker)
                .LockAsync(request, new CallOptions(o.Headers, null, o.CancellationToken)).ResponseAsync, ct).ConfigureAwait(false);
            var key = response.Key;
            // The lock API answers only the key: its create revision (the fencing token) is read back.
            var range = await _connection.CallAsync((invoker, o) => new KV.KVClient(invoker)
                .RangeAsync(new RangeRequest { Key = key }, o).ResponseAsync, ct).ConfigureAwait(false);
            var kv = range.Kvs.FirstOrDefault()
                     ?? throw new InvalidOperationException($"The lock key of {Name} vanished right after it was acquired (lease {lease} lost).");
            var ownership = new EtcdOwnership(_connection, keeper, Name, key.ToStringUtf8(), kv.CreateRevision,
                c => _connection.CallAsync((invoker, o) => new V3Lockpb.Lock.LockClient(invoker)
                    .UnlockAsync(new V3Lockpb.UnlockRequest { Key = key }, o).ResponseAsync, c), _logger);
            ownership.Start();
            _logger.LogInformation("Holding lock {Name} (key {Key}, fencing token {Token})", Name, ownership.Key, ownership.FencingToken);
            return ownership;
        }
        catch
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

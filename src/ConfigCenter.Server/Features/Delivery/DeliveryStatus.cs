namespace ConfigCenter.Server.Features.Delivery;

/// <summary>What the relay and the watcher last saw of etcd, for /api/v1/status and the UI banner.</summary>
public sealed class DeliveryStatus
{
    private volatile string? _lastError;

    public string? LastError => _lastError;
    public DateTimeOffset? LastErrorAt { get; private set; }
    public DateTimeOffset? LastDeliveredAt { get; private set; }
    public bool? EtcdReachable { get; private set; }

    /// <summary>Raised when reachability or the pending outbox changed, so open pages refresh.</summary>
    public event Action? Changed;

    /// <summary>Raised when this replica's relay delivered outbox rows, so the other replicas' pages refresh too (<see cref="ReplicaSignals"/>).</summary>
    public event Action? DeliveredHere;

    public void Delivered(DateTimeOffset at)
    {
        LastDeliveredAt = at;
        EtcdReachable = true;
        _lastError = null;
        Changed?.Invoke();
        DeliveredHere?.Invoke();
    }

    public void Failed(string error, DateTimeOffset at)
    {
        _lastError = error;
        LastErrorAt = at;
        EtcdReachable = false;
        Changed?.Invoke();
    }

    /// <summary>A row was parked: etcd refused it for good. etcd itself answered, so it counts as reachable.</summary>
    public void Parked(string reason, DateTimeOffset at)
    {
        LastParkedReason = reason;
        LastParkedAt = at;
        EtcdReachable = true;
        Changed?.Invoke();
    }

    public string? LastParkedReason { get; private set; }
    public DateTimeOffset? LastParkedAt { get; private set; }

    /// <summary>Open pages refresh after an admin retried or dropped a parked row.</summary>
    public void OutboxChanged() => Changed?.Invoke();

    /// <summary>Whether this replica relays the outbox now (on SQLite the one server always does, once etcd is configured).</summary>
    public bool Relaying { get; private set; }

    /// <summary>The fencing token of this replica's relay leadership (PostgreSQL), null when it does not lead.</summary>
    public long? RelayFencingToken { get; private set; }

    public void RelayLeadership(bool relaying, long? fencingToken)
    {
        Relaying = relaying;
        RelayFencingToken = fencingToken;
        Changed?.Invoke();
    }

    public void Reachable()
    {
        if (EtcdReachable == true) return;
        EtcdReachable = true;
        Changed?.Invoke();
    }
}

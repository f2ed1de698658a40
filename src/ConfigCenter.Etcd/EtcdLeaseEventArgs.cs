namespace ConfigCenter.Etcd;

/// <summary>A lease change of an <see cref="EtcdLeaseKeeper"/>.</summary>
public sealed class EtcdLeaseEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public EtcdLeaseEventArgs(long leaseId, long previousLeaseId, string reason)
    {
        LeaseId = leaseId;
        PreviousLeaseId = previousLeaseId;
        Reason = reason;
    }

    /// <summary>The lease granted (for <see cref="EtcdLeaseKeeper.LeaseGranted"/>) or lost (for <see cref="EtcdLeaseKeeper.LeaseLost"/>).</summary>
    public long LeaseId { get; }

    /// <summary>For a grant, the lost lease it replaces (0 for the first grant); for a loss, 0.</summary>
    public long PreviousLeaseId { get; }

    /// <summary>Why, in words for logs and status pages.</summary>
    public string Reason { get; }
}

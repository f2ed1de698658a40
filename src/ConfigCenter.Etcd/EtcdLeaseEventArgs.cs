namespace ConfigCenter.Etcd;

/// <summary>A lease change of an <see cref="EtcdLeaseKeeper"/>.</summary>
/// <param name="LeaseId">The lease granted (for <see cref="EtcdLeaseKeeper.LeaseGranted"/>) or lost (for <see cref="EtcdLeaseKeeper.LeaseLost"/>).</param>
/// <param name="PreviousLeaseId">For a grant, the lost lease it replaces (0 for the first grant); for a loss, 0.</param>
/// <param name="Reason">Why, in words for logs and status pages.</param>
public sealed record EtcdLeaseEventArgs(long LeaseId, long PreviousLeaseId, string Reason);

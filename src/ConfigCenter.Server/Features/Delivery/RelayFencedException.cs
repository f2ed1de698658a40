namespace ConfigCenter.Server.Features.Delivery;

/// <summary>etcd refused the relay's write because this replica no longer leads the relay election (its owner key is gone).</summary>
internal sealed class RelayFencedException(string message) : Exception(message);

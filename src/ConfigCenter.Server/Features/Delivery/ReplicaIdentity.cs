namespace ConfigCenter.Server.Features.Delivery;

/// <summary>This server process among the replicas: the value it campaigns with and signs its notifications with.</summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}

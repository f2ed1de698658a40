namespace ConfigCenter.Storage.Entities;

/// <summary>A release document waiting to be written to etcd; committed with its release.</summary>
public sealed class OutboxEntity
{
    public long Id { get; set; }
    public required string EtcdKey { get; set; }
    public long Revision { get; set; }
    /// <summary>The release document JSON, exactly as written to etcd.</summary>
    public required string Document { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

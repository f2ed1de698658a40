namespace ConfigCenter.Storage.Entities;

/// <summary>A release document waiting to be written to etcd; committed with its release.</summary>
public sealed class OutboxEntity
{
    public long Id { get; set; }
    public required string EtcdKey { get; set; }
    public long Revision { get; set; }
    /// <summary>The namespace generation of the release (see ReleaseDocument.Generation).</summary>
    public string Generation { get; set; } = "";
    /// <summary>The release document's UTF-8 JSON, exactly the bytes written to etcd; empty = delete the key.</summary>
    public required byte[] Document { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>
    /// Set when etcd refused the row for good (too large, invalid, not permitted): it waits for an admin to retry or
    /// drop it, and no longer holds up the rows behind it. <see cref="LastError"/> holds etcd's reason.
    /// </summary>
    public DateTimeOffset? ParkedAt { get; set; }
    /// <summary>
    /// The W3C trace context (traceparent) of the publish that queued the row, so the relay, which runs later in
    /// another task or process, continues the publish's trace; null when nothing traced the publish.
    /// </summary>
    public string? TraceParent { get; set; }
}

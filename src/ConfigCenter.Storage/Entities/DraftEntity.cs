namespace ConfigCenter.Storage.Entities;

/// <summary>The working copy of one namespace in one environment.</summary>
public sealed class DraftEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string EnvironmentId { get; set; }
    public required string Namespace { get; set; }
    /// <summary>The document text of a json or yaml namespace; empty for properties.</summary>
    public string Content { get; set; } = "";
    /// <summary>Optimistic-concurrency version, bumped by every edit; the ETag.</summary>
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public List<DraftItemEntity> Items { get; set; } = [];
}

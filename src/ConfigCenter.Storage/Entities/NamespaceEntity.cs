namespace ConfigCenter.Storage.Entities;

/// <summary>A namespace of an app; it exists in every environment.</summary>
public sealed class NamespaceEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string Name { get; set; }
    /// <summary>properties, json or yaml.</summary>
    public required string Format { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

namespace ConfigCenter.Storage.Entities;

/// <summary>An application whose configuration is managed.</summary>
public sealed class AppEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public List<NamespaceEntity> Namespaces { get; set; } = [];
}

using ConfigCenter.Core;

namespace ConfigCenter.Storage.Entities;

/// <summary>A namespace of an app; it exists in every environment.</summary>
public sealed class NamespaceEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string Name { get; set; }
    public required NamespaceFormat Format { get; set; }
    /// <summary>The identity of this namespace's release history (see ReleaseDocument.Generation); new when it is created again.</summary>
    public required string Generation { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

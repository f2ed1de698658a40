using ConfigCenter.Core;

namespace ConfigCenter.Storage.Entities;

/// <summary>An immutable published snapshot of a draft.</summary>
public sealed class ReleaseEntity
{
    public long Id { get; set; }
    public required string AppId { get; set; }
    public required string EnvironmentId { get; set; }
    public required string Namespace { get; set; }
    public long Revision { get; set; }
    public required NamespaceFormat Format { get; set; }
    /// <summary>The namespace generation this release belongs to.</summary>
    public string Generation { get; set; } = "";
    /// <summary>The flat items as canonical JSON.</summary>
    public required string ItemsJson { get; set; }
    /// <summary>The keys of <see cref="ItemsJson"/> whose values are secret envelopes, as a JSON array; empty when none.</summary>
    public string SecretKeysJson { get; set; } = "";
    /// <summary>The original document text (json/yaml) or empty.</summary>
    public string Content { get; set; } = "";
    /// <summary>Comments of properties items, keyed by item key, as JSON; empty when none.</summary>
    public string CommentsJson { get; set; } = "";
    public string Message { get; set; } = "";
    public required string PublishedBy { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public required string Checksum { get; set; }
    /// <summary>The revision this release restored, when it is a rollback.</summary>
    public long? RolledBackFrom { get; set; }
    /// <summary>The author of the release request this release approved; null when it was published directly.</summary>
    public string? RequestedBy { get; set; }
    /// <summary>Why an Admin published past review (an emergency publish); null otherwise.</summary>
    public string? EmergencyReason { get; set; }
}

using ConfigCenter.Core;

namespace ConfigCenter.Storage.Entities;

/// <summary>
/// A publish waiting for a second person: a snapshot of the draft when it was requested, the diff against the release it
/// was based on, and what became of it. Later draft edits do not change it.
/// </summary>
public sealed class ReleaseRequestEntity
{
    public long Id { get; set; }
    public required string AppId { get; set; }
    public required string EnvironmentId { get; set; }
    public required string Namespace { get; set; }
    /// <summary>The namespace generation the snapshot belongs to.</summary>
    public required string Generation { get; set; }
    /// <summary>The newest release when the request was made (0 = none); approving needs it to still be the newest.</summary>
    public long BaseRevision { get; set; }
    public required NamespaceFormat Format { get; set; }
    /// <summary>The flat items the request would publish, as canonical JSON.</summary>
    public required string ItemsJson { get; set; }
    /// <summary>The document text (json/yaml) or empty.</summary>
    public string Content { get; set; } = "";
    /// <summary>Comments of properties items, keyed by item key, as JSON; empty when none.</summary>
    public string CommentsJson { get; set; } = "";
    /// <summary>The keys whose values in <see cref="ItemsJson"/> are sealed secret envelopes, as JSON; "" when none.</summary>
    public string SecretKeysJson { get; set; } = "";
    /// <summary>The diff against the base release as JSON (added, changed, removed).</summary>
    public required string DiffJson { get; set; }
    public string Message { get; set; } = "";
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary><c>pending</c>, <c>approved</c>, <c>rejected</c> or <c>withdrawn</c>.</summary>
    public required string Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>The reviewer's comment (required to reject).</summary>
    public string? Comment { get; set; }
    /// <summary>The revision an approval published.</summary>
    public long? ReleaseRevision { get; set; }
}

namespace ConfigCenter.Cli.Api;

// The REST API's shapes (DESIGN.md §4.5), camelCase on the wire. Copies rather than a server reference:
// the tool must not drag the server into its package.

internal sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

internal sealed record AppView(string Id, string Name, string Description, DateTimeOffset CreatedAt, int NamespaceCount);

internal sealed record EnvironmentView(string Id, string Name);

internal sealed record NamespaceView(string Name, string Format);

internal sealed record DraftItem(string Key, string? Value, string Comment);

internal sealed record DraftView(string Format, IReadOnlyList<DraftItem> Items, string Content, long? PublishedRevision, bool HasChanges, long Version)
{
    public string ETag => $"\"{Version}\"";
}

internal sealed record ReleaseSummary(long Revision, string Checksum, DateTimeOffset PublishedAt, string PublishedBy, string Message, long? RolledBackFrom);

/// <summary>A release request the server created instead of a release, because the environment requires review.</summary>
internal sealed record ReleaseRequestSummary(long Id, string Status, string Author, long BaseRevision);

/// <summary>What a publish did: exactly one of a release or a release request.</summary>
internal sealed record PublishResult(ReleaseSummary? Release, ReleaseRequestSummary? Request);

internal sealed record ReleaseDetail(string App, string Environment, string Namespace, long Revision, string Format, string Checksum,
    DateTimeOffset PublishedAt, string PublishedBy, string Message, long? RolledBackFrom, IReadOnlyDictionary<string, string?> Items, string Content);

internal sealed record CreatedApiKey(int Id, string Key, string Name);

internal sealed record ApiKeyView(int Id, string Name, string KeyPrefix, DateTimeOffset CreatedAt, string CreatedBy);

namespace ConfigCenter.Server.Features.Releases;

/// <summary>A release in lists and as the publish / rollback response (DESIGN.md §4.5).</summary>
public sealed record ReleaseSummary(
    long Revision,
    string Checksum,
    DateTimeOffset PublishedAt,
    string PublishedBy,
    string Message,
    long? RolledBackFrom,
    string? RequestedBy = null,
    string? EmergencyReason = null);

/// <summary>One release with its content.</summary>
public sealed record ReleaseDetail(
    string App,
    string Environment,
    string Namespace,
    long Revision,
    string Format,
    string Checksum,
    DateTimeOffset PublishedAt,
    string PublishedBy,
    string Message,
    long? RolledBackFrom,
    IReadOnlyDictionary<string, string?> Items,
    string Content);

/// <summary>A release across apps, for the dashboard.</summary>
public sealed record RecentRelease(string App, string Environment, string Namespace, long Revision, string Message, string PublishedBy, DateTimeOffset PublishedAt);

/// <summary>
/// The body of publish and rollback. <see cref="Emergency"/> (Admins, publish only) publishes past review and needs a
/// <see cref="Reason"/>.
/// </summary>
public sealed record PublishRequest(string? Message, bool? Emergency = null, string? Reason = null);

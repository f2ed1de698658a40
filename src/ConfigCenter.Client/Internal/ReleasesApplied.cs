using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// What one apply round changed: the releases accepted (each with the one it replaced) and the whole applied state
/// after the round. Raised once per round by <see cref="ReleaseApplier.Applied"/>, after its lock is released.
/// </summary>
internal sealed class ReleasesApplied
{
    private IReadOnlyList<ConfigCenterChange>? _changes;

    public ReleasesApplied(string source, IReadOnlyList<AppliedRelease> releases, IReadOnlyDictionary<string, ReleaseDocument> current)
    {
        Source = source;
        Releases = releases;
        Current = current;
    }

    /// <summary>The transport that delivered the releases: <c>etcd</c>, <c>hub</c>, <c>http</c> or <c>cache</c>.</summary>
    public string Source { get; }

    public IReadOnlyList<AppliedRelease> Releases { get; }

    /// <summary>Every applied release by namespace after this round (never changed afterwards).</summary>
    public IReadOnlyDictionary<string, ReleaseDocument> Current { get; }

    /// <summary>The changes as <see cref="IConfigCenterChanges"/> reports them, diffed once however many handlers read them.</summary>
    public IReadOnlyList<ConfigCenterChange> Changes => _changes ??= [.. Releases.Select(r => new ConfigCenterChange(
        r.Document.App, r.Document.Environment, r.Document.Namespace, r.Previous?.Revision ?? 0, r.Document.Revision,
        ReleaseLayering.ChangedKeys(r.Previous?.Items, r.Document.Items), Source))];
}

/// <summary>A release that was applied and the release of the same namespace it replaced (null when none).</summary>
internal sealed record AppliedRelease(ReleaseDocument Document, ReleaseDocument? Previous);

namespace ConfigCenter.Client;

/// <summary>One applied release of a namespace, as seen by <see cref="IConfigCenterChanges"/>.</summary>
/// <param name="Namespace">The namespace that changed.</param>
/// <param name="OldRevision">The revision applied before (0 when none).</param>
/// <param name="NewRevision">The revision applied now.</param>
/// <param name="ChangedKeys">The configuration keys added, changed or removed by this release.</param>
/// <param name="Source">What delivered the release: <c>etcd</c>, <c>hub</c>, <c>http</c> or <c>cache</c>.</param>
public sealed record ConfigCenterChange(string Namespace, long OldRevision, long NewRevision, IReadOnlyList<string> ChangedKeys, string Source);

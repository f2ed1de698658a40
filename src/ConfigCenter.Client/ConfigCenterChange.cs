namespace ConfigCenter.Client;

/// <summary>One applied release of a namespace, as seen by <see cref="IConfigCenterChanges"/>.</summary>
/// <param name="App">The application the release belongs to.</param>
/// <param name="Environment">The environment the release belongs to.</param>
/// <param name="Namespace">The namespace that changed.</param>
/// <param name="OldRevision">
/// The revision applied before (0 when none). After the app was deleted and created again it belongs to the
/// previous history, so it may be higher than <paramref name="NewRevision"/>.
/// </param>
/// <param name="NewRevision">The revision applied now.</param>
/// <param name="ChangedKeys">The configuration keys added, changed or removed by this release.</param>
/// <param name="Source">What delivered the release: <c>etcd</c>, <c>hub</c>, <c>http</c> or <c>cache</c>.</param>
public sealed record ConfigCenterChange(
    string App, string Environment, string Namespace, long OldRevision, long NewRevision, IReadOnlyList<string> ChangedKeys, string Source);

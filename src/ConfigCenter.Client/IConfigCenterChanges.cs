namespace ConfigCenter.Client;

/// <summary>
/// Change notifications of the ConfigCenter configuration sources: which namespace of which app moved from which
/// revision to which, and which keys changed. Register with <c>services.AddConfigCenterChanges()</c>.
/// </summary>
public interface IConfigCenterChanges
{
    /// <summary>
    /// The revision currently applied per app, environment and namespace, over every ConfigCenter source of the
    /// configuration (namespaces without a release are absent).
    /// </summary>
    IReadOnlyDictionary<ConfigCenterNamespace, long> AppliedRevisions { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> after each applied release, once per namespace, after the configuration
    /// already holds the new values. Handlers run one at a time per source, in the order releases were applied,
    /// and never under a lock of the client, so they may read configuration or <see cref="AppliedRevisions"/>.
    /// Dispose the result to unsubscribe.
    /// </summary>
    /// <param name="handler">Called with each change; an exception it throws is logged and does not stop delivery.</param>
    /// <returns>Unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<ConfigCenterChange> handler);
}

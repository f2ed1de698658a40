namespace ConfigCenter.Client;

/// <summary>
/// Change notifications of the ConfigCenter configuration source: which namespace moved from which revision to
/// which, and which keys changed. Register with <c>services.AddConfigCenterChanges()</c>.
/// </summary>
public interface IConfigCenterChanges
{
    /// <summary>The revision currently applied per namespace (namespaces without a release are absent).</summary>
    IReadOnlyDictionary<string, long> AppliedRevisions { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> after each applied release, once per namespace, after the configuration
    /// already holds the new values. Dispose the result to unsubscribe.
    /// </summary>
    IDisposable Subscribe(Action<ConfigCenterChange> handler);
}

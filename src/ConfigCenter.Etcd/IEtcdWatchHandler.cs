using Mvccpb;

namespace ConfigCenter.Etcd;

/// <summary>
/// Receives what an <see cref="EtcdPrefixWatch"/> sees. Calls come one at a time, in revision order, from the watch's
/// own loop: a slow handler delays only its own watch.
/// </summary>
public interface IEtcdWatchHandler
{
    /// <summary>
    /// Every key under the prefix, read at <paramref name="revision"/> (at start and after etcd compacted the history the
    /// watch needed). Replace the whole view: a key the handler knew that is missing here was deleted meanwhile.
    /// </summary>
    void OnSnapshot(IReadOnlyList<KeyValue> kvs, long revision);

    /// <summary>Changes after the snapshot, in revision order: puts (with the new value) and deletes (key only).</summary>
    void OnEvents(IReadOnlyList<Event> events);

    /// <summary>The watch is live on <paramref name="endpoint"/> (after a read or when etcd created the watch stream).</summary>
    void OnConnected(string endpoint);

    /// <summary>The watch broke on <paramref name="endpoint"/>; it retries on its own. <paramref name="reason"/> is for status pages and logs.</summary>
    void OnDisconnected(string endpoint, string reason);
}

using System.Collections.Concurrent;
using System.Text.Json;
using ConfigCenter.Contracts;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// The current release document of every namespace, in memory, with its serialized bytes ready for the
/// client read endpoint. Fed by local publishes and, in etcd mode, by the server's etcd watch; an update
/// only lands when its revision is newer, so each revision is announced exactly once whichever path
/// delivers it first. "Newer" follows <see cref="ReleaseOrder"/>: a namespace created again starts a new generation
/// whose r1 replaces the old history's higher revisions.
/// </summary>
public sealed class ReleaseCache
{
    private readonly ConcurrentDictionary<string, CachedRelease> _current = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Raised once per newer revision, after the cache holds it.</summary>
    public event Action<ReleaseDocument>? Published;

    public int Count => _current.Count;

    /// <param name="document">The release.</param>
    /// <param name="json">Its exact wire bytes when the caller has them (as published or as received from etcd).</param>
    public bool TryUpdate(ReleaseDocument document, byte[]? json = null)
    {
        var key = Key(document.Environment, document.App, document.Namespace);
        var entry = new CachedRelease(document, json ?? JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Wire.ReleaseDocument));
        lock (_gate)
        {
            if (_current.TryGetValue(key, out var existing) && !ReleaseOrder.IsNewer(document, existing.Document)) return false;
            _current[key] = entry;
        }
        Published?.Invoke(document);
        return true;
    }

    public CachedRelease? Get(string env, string app, string ns) =>
        _current.TryGetValue(Key(env, app, ns), out var entry) ? entry : null;

    public IReadOnlyList<CachedRelease> All() => [.. _current.Values];

    /// <summary>
    /// Forgets one namespace's release because its etcd key was deleted, unless the cache already holds a release newer
    /// than the deleted one (<paramref name="deletedGeneration"/>, <paramref name="deletedRevision"/>; revision 0 = unknown).
    /// </summary>
    public void Remove(string env, string app, string ns, string deletedGeneration, long deletedRevision)
    {
        var key = Key(env, app, ns);
        lock (_gate)
        {
            if (deletedRevision > 0 && _current.TryGetValue(key, out var cached)
                && ReleaseOrder.IsNewer(cached.Document.Generation, cached.Document.Revision, deletedGeneration, deletedRevision)) return;
            _current.TryRemove(key, out _);
        }
    }

    public void RemoveApp(string app)
    {
        foreach (var key in _current.Keys.Where(k => k.Split('/')[1] == app)) _current.TryRemove(key, out _);
    }

    private static string Key(string env, string app, string ns) => $"{env}/{app}/{ns}";
}

/// <summary>A current release and its wire bytes.</summary>
public sealed record CachedRelease(ReleaseDocument Document, byte[] Json)
{
    public string ETag { get; } = ReleaseOrder.ETag(Document.Generation, Document.Revision);
}

using System.Threading.Channels;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// Writes applied releases to the <see cref="LastKnownGoodCache"/> on a background task, so disk I/O never delays
/// a reload; a burst of releases of one namespace collapses into a write of the newest.
/// </summary>
internal sealed class CacheWriter : IDisposable
{
    private readonly LastKnownGoodCache _cache;
    private readonly Channel<ReleaseDocument> _queue = Channel.CreateUnbounded<ReleaseDocument>(new UnboundedChannelOptions { SingleReader = true });

    public CacheWriter(LastKnownGoodCache cache)
    {
        _cache = cache;
        _ = Task.Run(WriteAsync);
    }

    /// <summary>Queues the releases of an apply round, except those that came from the cache itself.</summary>
    public void OnApplied(ReleasesApplied applied)
    {
        if (applied.Source == LastKnownGoodCache.Source) return;
        foreach (var release in applied.Releases) _queue.Writer.TryWrite(release.Document);
    }

    private async Task WriteAsync()
    {
        var newest = new Dictionary<string, ReleaseDocument>(StringComparer.Ordinal);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var document))
            {
                if (ReleaseOrder.IsNewer(document, newest.GetValueOrDefault(document.Namespace))) newest[document.Namespace] = document;
            }
            foreach (var document in newest.Values) _cache.Write(document);
            newest.Clear();
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();
}

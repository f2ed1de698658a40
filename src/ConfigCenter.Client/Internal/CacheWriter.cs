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
    private readonly Task _writing;

    public CacheWriter(LastKnownGoodCache cache)
    {
        _cache = cache;
        _writing = Task.Run(WriteAsync);
    }

    public void Enqueue(ReleaseDocument document) => _queue.Writer.TryWrite(document);

    /// <summary>Completes when every queued release is on disk (tests and shutdown).</summary>
    public Task Completion => _writing;

    private async Task WriteAsync()
    {
        var newest = new Dictionary<string, ReleaseDocument>(StringComparer.Ordinal);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var document))
            {
                if (!newest.TryGetValue(document.Namespace, out var known) || known.Revision < document.Revision) newest[document.Namespace] = document;
            }
            foreach (var document in newest.Values) _cache.Write(document);
            newest.Clear();
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();
}

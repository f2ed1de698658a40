using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// The one place releases are applied, whichever transport delivered them: verifies the checksum, keeps only
/// revisions newer than the applied one (so nothing is applied twice or goes backwards), layers the namespaces
/// into a new dictionary, hands it to the provider once, then writes the cache and tells listeners.
/// </summary>
internal sealed class ReleaseApplier(
    ConfigCenterOptions options,
    Action<Dictionary<string, string?>> publish,
    CacheWriter cache,
    ClientMetrics metrics,
    ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReleaseDocument> _applied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _namespaces = new(options.Namespaces, StringComparer.Ordinal);
    private readonly List<Action<ConfigCenterChange>> _handlers = [];
    private readonly Dictionary<(string Source, string Namespace), long> _received = [];
    private DateTimeOffset? _lastAppliedAt;

    /// <summary>Raised after releases were applied (for confirmed delivery).</summary>
    public event Action<IReadOnlyList<ReleaseDocument>>? Applied;

    public IReadOnlyDictionary<string, long> Revisions
    {
        get
        {
            lock (_gate) return _applied.ToDictionary(p => p.Key, p => p.Value.Revision, StringComparer.Ordinal);
        }
    }

    /// <summary>When a release was last applied (null before the first).</summary>
    public DateTimeOffset? LastAppliedAt
    {
        get
        {
            lock (_gate) return _lastAppliedAt;
        }
    }

    /// <summary>The newest publish time among the applied releases.</summary>
    public DateTimeOffset? NewestPublishedAt
    {
        get
        {
            lock (_gate) return _applied.Count == 0 ? null : _applied.Values.Max(d => d.PublishedAt);
        }
    }

    /// <summary>The newest revision of <paramref name="ns"/> that <paramref name="source"/> delivered, applied or not.</summary>
    public long ReceivedRevision(string source, string ns)
    {
        lock (_gate) return _received.GetValueOrDefault((source, ns));
    }

    public IDisposable Subscribe(Action<ConfigCenterChange> handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Unsubscriber(() =>
        {
            lock (_gate) _handlers.Remove(handler);
        });
    }

    /// <summary>
    /// Applies whichever of <paramref name="documents"/> are newer; true when anything changed. Releases of different
    /// namespaces are applied as one reload; several releases of one namespace (a watch catching up) are applied one
    /// after another, so every publish is seen as its own change.
    /// </summary>
    public bool Offer(IEnumerable<ReleaseDocument> documents, string source)
    {
        lock (_gate)
        {
            var changed = false;
            var round = new List<ReleaseDocument>();
            foreach (var document in documents.OrderBy(d => d.Revision))
            {
                if (round.Exists(d => d.Namespace == document.Namespace))
                {
                    changed |= ApplyRound(round, source);
                    round = [];
                }
                round.Add(document);
            }
            return ApplyRound(round, source) | changed;
        }
    }

    private bool ApplyRound(List<ReleaseDocument> documents, string source)
    {
        var accepted = new List<(ReleaseDocument Document, ReleaseDocument? Previous)>();
        foreach (var document in documents)
        {
            if (!IsOurs(document)) continue;
            if (document.Revision > _received.GetValueOrDefault((source, document.Namespace))) _received[(source, document.Namespace)] = document.Revision;
            var previous = _applied.GetValueOrDefault(document.Namespace);
            if (previous is not null && document.Revision <= previous.Revision) continue;
            if (!ReleaseChecksum.Verify(document))
            {
                logger.LogWarning("Rejected {Namespace} r{Revision} from {Source}: the checksum does not match its items",
                    document.Namespace, document.Revision, source);
                continue;
            }
            _applied[document.Namespace] = document;
            accepted.Add((document, previous));
        }
        if (accepted.Count == 0) return false;

        try
        {
            publish(ReleaseLayering.Merge(options.Namespaces, _applied));
        }
        catch (Exception e)
        {
            // The data is already swapped; a failing change callback must not undo the apply or stop the transport.
            logger.LogError(e, "A configuration reload callback failed after applying {Revisions}",
                string.Join(", ", accepted.Select(a => $"{a.Document.Namespace} r{a.Document.Revision}")));
        }
        var now = options.TimeProvider.GetUtcNow();
        _lastAppliedAt = now;
        metrics.Reloaded(now - accepted.Max(a => a.Document.PublishedAt));
        foreach (var (document, previous) in accepted)
        {
            logger.LogInformation("Applied {App}/{Env}/{Namespace} r{Revision} from {Source}",
                document.App, document.Environment, document.Namespace, document.Revision, source);
            if (source != "cache") cache.Enqueue(document);
            Notify(new ConfigCenterChange(document.Namespace, previous?.Revision ?? 0, document.Revision,
                ReleaseLayering.ChangedKeys(previous?.Items, document.Items), source));
        }
        Applied?.Invoke([.. accepted.Select(a => a.Document)]);
        return true;
    }

    private bool IsOurs(ReleaseDocument document) =>
        string.Equals(document.App, options.App, StringComparison.Ordinal)
        && string.Equals(document.Environment, options.Environment, StringComparison.Ordinal)
        && _namespaces.Contains(document.Namespace);

    private void Notify(ConfigCenterChange change)
    {
        foreach (var handler in _handlers.ToArray())
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A ConfigCenter change handler failed for {Namespace} r{Revision}", change.Namespace, change.NewRevision);
            }
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

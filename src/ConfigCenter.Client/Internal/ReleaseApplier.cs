using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// The one place releases are applied, whichever transport delivered them. It keeps the releases that are newer by
/// <see cref="ReleaseOrder"/> (a higher revision, or any revision of a newer generation after the app was deleted
/// and created again) and whose checksum matches, swaps its state under its lock, and then, with the lock
/// released, raises one <see cref="Applied"/> event per round. The reload, <see cref="IConfigCenterChanges"/>, the
/// hub acknowledgement, the cache writer and the metrics all hang off that event, so no callback ever runs under
/// the lock. Events are delivered one at a time and in the order the rounds were applied: a thread that applies a
/// round while another thread is delivering leaves its event to that thread instead of overtaking it.
/// </summary>
internal sealed class ReleaseApplier(ConfigCenterOptions options, ILogger logger)
{
    private static readonly Dictionary<string, ReleaseDocument> Empty = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _namespaces = new(options.Namespaces, StringComparer.Ordinal);
    private readonly Queue<ReleasesApplied> _undelivered = new();
    private IReadOnlyDictionary<string, ReleaseDocument> _current = Empty;
    private TaskCompletionSource? _delivering;

    /// <summary>Opens secret values with the configured keys; records the namespaces whose release it had to refuse.</summary>
    public SecretOpener Secrets { get; } = new(options.SecretKeys);

    /// <summary>Raised once per apply round, outside the lock, in apply order. A handler that throws is logged.</summary>
    public event Action<ReleasesApplied>? Applied;

    /// <summary>The applied release per namespace: a snapshot that is replaced, never changed, so reading needs no lock.</summary>
    public IReadOnlyDictionary<string, ReleaseDocument> Current => Volatile.Read(ref _current);

    /// <summary>Completes when every event raised so far has been delivered to all handlers.</summary>
    public Task Delivered
    {
        get
        {
            lock (_gate) return _delivering?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>
    /// Applies whichever of <paramref name="documents"/> are newer; true when anything changed. Releases of different
    /// namespaces are applied as one round (one reload); several releases of one namespace (a watch catching up) are
    /// applied one round after another, so every publish is seen as its own change. Returns once the state is
    /// swapped; the event is delivered before returning unless another thread is delivering already.
    /// </summary>
    public bool Offer(IEnumerable<ReleaseDocument> documents, string source)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var candidates = Candidates(documents, source);
        if (candidates.Count == 0) return false;
        lock (_gate)
        {
            var changed = false;
            var round = new List<ReleaseDocument>();
            foreach (var document in candidates)
            {
                if (round.Exists(d => d.Namespace == document.Namespace))
                {
                    changed |= ApplyRound(round, source);
                    round.Clear();
                }
                round.Add(document);
            }
            changed |= ApplyRound(round, source);
            if (!changed || _delivering is not null) return changed;
            _delivering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        Deliver();
        return true;
    }

    /// <summary>
    /// Ours, newer than what is applied now and with a matching checksum, oldest first. Checked against a snapshot
    /// outside the lock (hashing is the expensive part); the round re-checks the order under the lock.
    /// </summary>
    private List<ReleaseDocument> Candidates(IEnumerable<ReleaseDocument> documents, string source)
    {
        var current = Current;
        var candidates = new List<ReleaseDocument>();
        foreach (var document in documents)
        {
            if (!IsOurs(document)) continue;
            var applied = current.GetValueOrDefault(document.Namespace);
            if (!ReleaseOrder.IsNewer(document, applied))
            {
                logger.LogDebug("Ignored {Namespace} r{Revision} from {Source}: r{Applied} is applied",
                    document.Namespace, document.Revision, source, applied!.Revision);
                continue;
            }
            if (!ReleaseChecksum.Verify(document))
            {
                logger.LogWarning("Rejected {Namespace} r{Revision} from {Source}: the checksum does not match its items",
                    document.Namespace, document.Revision, source);
                continue;
            }
            if (!Secrets.TryOpen(document, out _, out var secretError))
            {
                // Refused whole: configuration keeps the last good values rather than receiving ciphertext.
                Secrets.Failures[document.Namespace] = secretError!;
                logger.LogError("Rejected {Namespace} r{Revision} from {Source}: {Error}", document.Namespace, document.Revision, source, secretError);
                continue;
            }
            Secrets.Failures.TryRemove(document.Namespace, out _);
            candidates.Add(document);
        }
        return [.. candidates.OrderBy(d => d.Generation, StringComparer.Ordinal).ThenBy(d => d.Revision)];
    }

    private bool ApplyRound(List<ReleaseDocument> round, string source)
    {
        Dictionary<string, ReleaseDocument>? next = null;
        var accepted = new List<AppliedRelease>();
        foreach (var document in round)
        {
            var previous = (next ?? _current).GetValueOrDefault(document.Namespace);
            if (!ReleaseOrder.IsNewer(document, previous)) continue;
            next ??= new Dictionary<string, ReleaseDocument>(_current, StringComparer.Ordinal);
            next[document.Namespace] = document;
            accepted.Add(new AppliedRelease(document, previous));
        }
        if (next is null) return false;
        Volatile.Write(ref _current, next);
        _undelivered.Enqueue(new ReleasesApplied(source, accepted, next));
        return true;
    }

    private void Deliver()
    {
        while (true)
        {
            ReleasesApplied? next;
            TaskCompletionSource? done = null;
            lock (_gate)
            {
                if (!_undelivered.TryDequeue(out next))
                {
                    done = _delivering;
                    _delivering = null;
                }
            }
            if (next is null)
            {
                done?.TrySetResult();
                return;
            }
            Raise(next);
        }
    }

    private void Raise(ReleasesApplied applied)
    {
        foreach (var release in applied.Releases)
        {
            logger.LogInformation("Applied {App}/{Env}/{Namespace} r{Revision} from {Source}",
                release.Document.App, release.Document.Environment, release.Document.Namespace, release.Document.Revision, applied.Source);
        }
        if (Applied is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<ReleasesApplied>>())
        {
            try
            {
                handler(applied);
            }
            catch (Exception e)
            {
                // The state is already swapped: a failing listener must neither undo the apply nor starve the others.
                logger.LogError(e, "A ConfigCenter listener failed after applying {Revisions}",
                    string.Join(", ", applied.Releases.Select(r => $"{r.Document.Namespace} r{r.Document.Revision}")));
            }
        }
    }

    private bool IsOurs(ReleaseDocument document) =>
        string.Equals(document.App, options.App, StringComparison.Ordinal)
        && string.Equals(document.Environment, options.Environment, StringComparison.Ordinal)
        && _namespaces.Contains(document.Namespace);
}

namespace ConfigCenter.Server.Features.Status;

/// <summary>
/// The readiness verdict behind <c>/health/ready</c>, shared: callers within <see cref="ReuseFor"/> of the last probe get its
/// answer, and concurrent callers wait for the one probe in flight. A load balancer polling every replica many times a second
/// costs etcd one member list and SQLite three queries per second, not one per request.
/// </summary>
public sealed class ReadinessProbe(ServerStatusService status, TimeProvider time)
{
    /// <summary>How long a verdict is reused.</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<ReadinessVerdict>? _current;
    private long _startedAt;
    private int _probes;

    /// <summary>How many probes ran (etcd member list + outbox queries), for tests and metrics.</summary>
    public int ProbeCount => Volatile.Read(ref _probes);

    public Task<ReadinessVerdict> GetAsync()
    {
        lock (_gate)
        {
            if (_current is { } current && (!current.IsCompleted || time.GetElapsedTime(_startedAt) < ReuseFor)) return current;
            _startedAt = time.GetTimestamp();
            Interlocked.Increment(ref _probes);
            // The probe is shared, so it is not tied to one caller's cancellation; the etcd call has its own 2 s deadline.
            return _current = ProbeAsync();
        }
    }

    private async Task<ReadinessVerdict> ProbeAsync()
    {
        var s = await status.GetAsync(probeEtcd: true, CancellationToken.None).ConfigureAwait(false);
        if (s.Etcd is { Reachable: false } etcd) return new(false, $"etcd is not reachable: {etcd.LastError}");
        if (s.Outbox.OldestPendingAgeSeconds > ServerStatusService.StuckAfter.TotalSeconds)
            return new(false, $"The outbox is stuck: {s.Outbox.Pending} releases pending for {s.Outbox.OldestPendingAgeSeconds:F0} s.");
        return new(true, $"{s.Mode} mode, {s.PublishedNamespaces} namespaces published");
    }
}

public sealed record ReadinessVerdict(bool Ready, string Description);

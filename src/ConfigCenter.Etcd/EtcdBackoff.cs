namespace ConfigCenter.Etcd;

/// <summary>Jittered exponential backoff: 100 ms doubling up to a maximum, each wait randomized to 50–100 %.</summary>
public sealed class EtcdBackoff
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private readonly TimeSpan _max;
    private TimeSpan _next = Initial;

    /// <summary>Creates a backoff whose waits never exceed <paramref name="max"/>.</summary>
    public EtcdBackoff(TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(max, TimeSpan.Zero);
        _max = max;
    }

    /// <summary>Starts again from the shortest wait (after a success).</summary>
    public void Reset() => _next = Initial;

    /// <summary>The wait before the next attempt; each call doubles the following one, up to the maximum.</summary>
    public TimeSpan Next()
    {
        var current = _next < _max ? _next : _max;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, _next.Ticks * 2));
        // Jitter keeps a fleet of clients from reconnecting in lockstep after an outage.
        return current * (0.5 + (Random.Shared.NextDouble() / 2));
    }
}

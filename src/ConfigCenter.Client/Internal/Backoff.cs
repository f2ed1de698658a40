namespace ConfigCenter.Client.Internal;

/// <summary>Jittered exponential backoff: 100 ms doubling up to a maximum, each wait randomized to 50–100 %.</summary>
internal sealed class Backoff(TimeSpan max)
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private TimeSpan _next = Initial;

    public void Reset() => _next = Initial;

    public TimeSpan Next()
    {
        var current = _next < max ? _next : max;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, _next.Ticks * 2));
        // Jitter keeps a fleet of clients from reconnecting in lockstep after an outage.
        return current * (0.5 + Random.Shared.NextDouble() / 2);
    }
}

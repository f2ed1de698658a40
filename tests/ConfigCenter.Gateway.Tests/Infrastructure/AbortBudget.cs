namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// How many requests the <see cref="TestService"/> instances sharing it cut off (connection aborted, no response):
/// "the first request to reach any instance fails" whichever instance the gateway picks first.
/// </summary>
public sealed class AbortBudget(int count)
{
    private int _remaining = count;

    /// <summary>Every request is cut off.</summary>
    public static AbortBudget Always() => new(int.MaxValue);

    /// <summary>Takes one abort from the budget; false once it is spent.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0) return false;
            if (remaining == int.MaxValue || Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining) return true;
        }
    }
}

using System.Diagnostics;

namespace ConfigCenter.Testing;

/// <summary>
/// Polls a condition until it holds. Tests wait for outcomes with this, never with fixed sleeps.
/// </summary>
public static class WaitFor
{
    /// <summary>Time between two evaluations of the condition.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Evaluates <paramref name="condition"/> every <see cref="PollInterval"/> until it returns true.
    /// An exception thrown by the condition counts as "not yet" and is kept as the inner exception.
    /// </summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>;
    /// the message contains <paramref name="because"/>.</exception>
    public static async Task ConditionAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        var attempts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempts++;
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }

                last = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            if (stopwatch.Elapsed >= timeout)
            {
                var message = $"Timed out after {timeout.TotalSeconds:0.###} s ({attempts} attempts) waiting for: {because}";
                if (last is not null)
                {
                    message += $" (last error: {last.GetType().Name}: {last.Message})";
                }

                throw new TimeoutException(message, last);
            }

            var remaining = timeout - stopwatch.Elapsed;
            await Task.Delay(remaining < PollInterval && remaining > TimeSpan.Zero ? remaining : PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Synchronous-condition overload of <see cref="ConditionAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>.</summary>
    public static Task ConditionAsync(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return ConditionAsync(() => Task.FromResult(condition()), timeout, because, cancellationToken);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until its result satisfies <paramref name="accept"/>, and returns that result.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(accept);
        T result = default!;
        await ConditionAsync(
            async () =>
            {
                var value = await probe().ConfigureAwait(false);
                if (!accept(value))
                {
                    return false;
                }

                result = value;
                return true;
            },
            timeout,
            because,
            cancellationToken).ConfigureAwait(false);
        return result;
    }
}

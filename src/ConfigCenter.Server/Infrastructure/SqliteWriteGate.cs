namespace ConfigCenter.Server.Infrastructure;

/// <summary>
/// Serializes this process's write transactions. SQLite has one writer at a time anyway, and a writer
/// that finds the database locked sleeps in SQLite's busy handler for milliseconds; taking turns here
/// costs microseconds instead. Hold it only around the commit: reads happen before, and optimistic
/// checks (draft versions, the unique revision index) catch what changed in between.
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _semaphore.WaitAsync(ct);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }
}

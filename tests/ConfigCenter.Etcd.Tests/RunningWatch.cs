namespace ConfigCenter.Etcd.Tests;

/// <summary>A prefix watch running in the background for one test; disposing stops it.</summary>
internal sealed class RunningWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public RunningWatch(EtcdConnection connection, string prefix, RecordingHandler handler)
    {
        Watch = new EtcdPrefixWatch(connection, prefix, handler);
        _run = Task.Run(() => Watch.RunAsync(_stop.Token));
    }

    public EtcdPrefixWatch Watch { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

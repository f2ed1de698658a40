using System.Threading.Channels;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>Wakes the outbox relay when a release was committed, so it never polls on a timer.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    /// <summary>Raised by <see cref="Notify"/>: other replicas (whose relay may be the leader) are told as well.</summary>
    public event Action? Committed;

    /// <summary>A release was committed here: wake this relay and tell the other replicas.</summary>
    public void Notify()
    {
        _channel.Writer.TryWrite(true);
        Committed?.Invoke();
    }

    /// <summary>Another replica committed a release: wake this relay only.</summary>
    public void WakeLocal() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken ct) => await _channel.Reader.ReadAsync(ct);

    /// <summary>Waits for a signal or the delay, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(delay);
        try
        {
            await _channel.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The delay elapsed without a signal: time to retry.
        }
    }
}

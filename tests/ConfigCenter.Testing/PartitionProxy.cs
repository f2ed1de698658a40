using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ConfigCenter.Testing;

/// <summary>
/// A TCP proxy on a free loopback port that forwards to one target (an etcd member), for network partitions: while
/// <see cref="Partition"/>ed it still accepts connections but forwards nothing in either direction (open connections
/// stall, new ones are held without reaching the target), as when packets between two hosts are dropped;
/// <see cref="Heal"/> lets the held traffic through again, as TCP's retransmissions would.
/// </summary>
public sealed class PartitionProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private readonly Task _accepting;
    private TaskCompletionSource _open = NewGate(open: true);
    private int _nextConnection;
    private long _forwardedBytes;

    /// <summary>Starts forwarding <c>127.0.0.1:{free port}</c> to <paramref name="target"/> (<c>http://host:port</c>).</summary>
    public PartitionProxy(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _targetHost = target.Host;
        _targetPort = target.Port;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The loopback port the proxy listens on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}</c>: the endpoint to give in place of the target's.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    /// <summary>Whether traffic is held (between <see cref="Partition"/> and <see cref="Heal"/>).</summary>
    public bool IsPartitioned => !Volatile.Read(ref _open).Task.IsCompleted;

    /// <summary>Bytes forwarded so far in both directions.</summary>
    public long ForwardedBytes => Interlocked.Read(ref _forwardedBytes);

    /// <summary>Stops forwarding: connections stay open (and new ones are accepted) but no byte gets through.</summary>
    public void Partition()
    {
        var current = Volatile.Read(ref _open);
        if (current.Task.IsCompleted) Interlocked.CompareExchange(ref _open, NewGate(open: false), current);
    }

    /// <summary>Forwards again, including what was held during the partition.</summary>
    public void Heal() => Volatile.Read(ref _open).TrySetResult();

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open) gate.SetResult();
        return gate;
    }

    private Task PassageAsync(CancellationToken ct) => Volatile.Read(ref _open).Task.WaitAsync(ct);

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && ct.IsCancellationRequested)
            {
                return;
            }
            var id = Interlocked.Increment(ref _nextConnection);
            _connections[id] = ForwardAsync(id, accepted, ct);
        }
    }

    private async Task ForwardAsync(int id, Socket downstream, CancellationToken ct)
    {
        try
        {
            using (downstream)
            {
                await PassageAsync(ct).ConfigureAwait(false);
                using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await upstream.ConnectAsync(_targetHost, _targetPort, ct).ConfigureAwait(false);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(ct);
                // When one direction ends (a side closed), the other is cancelled and both sockets are closed.
                await Task.WhenAny(PumpAsync(downstream, upstream, either.Token), PumpAsync(upstream, downstream, either.Token)).ConfigureAwait(false);
                await either.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The proxy is stopping, or the target refused or reset the connection: the client sees its connection closed.
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0) return;
                // Partitioned: hold the bytes (and stop reading, so the sender's window fills) until healed.
                await PassageAsync(ct).ConfigureAwait(false);
                var sent = 0;
                while (sent < read) sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, ct).ConfigureAwait(false);
                Interlocked.Add(ref _forwardedBytes, read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Either side closed or reset, or the proxy is stopping: the caller closes both sockets.
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }
}

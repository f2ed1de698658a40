using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using ConfigCenter.Contracts;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// The lightweight subscribers of the reload benchmark, in a process of their own (the benchmark executable
/// started with <c>subscribers …</c>), the way other services would be: their sockets, thread pool and garbage
/// collector are not the server's. The two processes talk over stdin/stdout:
/// <list type="bullet">
/// <item>child → parent <c>ready</c> once every subscriber is subscribed;</item>
/// <item>child → parent <c>all {timestamp}</c> each time every subscriber has received one more release;</item>
/// <item>parent → child <c>report</c>: the child answers one line per release with every subscriber's receive
/// timestamp, then <c>end</c>; parent → child <c>quit</c>.</item>
/// </list>
/// Timestamps are <see cref="Stopwatch.GetTimestamp"/> values: the monotonic clock, comparable across processes.
/// </summary>
internal sealed class SubscriberProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _reading;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<List<long[]>> _report = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<long[]> _reported = [];
    private readonly object _gate = new();
    private Action<long>? _roundComplete;

    private SubscriberProcess(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Starts <paramref name="count"/> subscribers in a child process and waits until they are subscribed.</summary>
    public static async Task<SubscriberProcess> StartAsync(string transport, int count, string target, string credential, string app, long known,
        CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "subscribers", transport, count.ToString(CultureInfo.InvariantCulture), target, credential, app, known.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        if (!Environment.ProcessPath!.EndsWith("ConfigCenter.Benchmarks", StringComparison.Ordinal))
        {
            // Run through `dotnet ConfigCenter.Benchmarks.dll` when the host is not the apphost.
            start.FileName = Environment.ProcessPath!;
            start.ArgumentList.Insert(0, typeof(SubscriberProcess).Assembly.Location);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the subscriber process.");
        var subscribers = new SubscriberProcess(process);
        await subscribers._ready.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
        return subscribers;
    }

    /// <summary>Called with the timestamp at which every subscriber had the next release.</summary>
    public void OnRoundComplete(Action<long> callback) => _roundComplete = callback;

    public int ProcessId => _process.Id;

    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Every subscriber's receive timestamps, one array per release, in order.</summary>
    public async Task<List<long[]>> ReportAsync(CancellationToken ct)
    {
        _report = new TaskCompletionSource<List<long[]>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _reported.Clear();
        await _process.StandardInput.WriteLineAsync("report".AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        return await _report.Task.WaitAsync(TimeSpan.FromMinutes(1), ct);
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "ready") _ready.TrySetResult();
            else if (line.StartsWith("all ", StringComparison.Ordinal)) _roundComplete?.Invoke(long.Parse(line[4..], CultureInfo.InvariantCulture));
            else if (line == "end")
            {
                lock (_gate) _report.TrySetResult([.. _reported]);
            }
            else if (line.StartsWith("round ", StringComparison.Ordinal))
            {
                var stamps = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                lock (_gate) _reported.Add(stamps);
            }
            else Console.Error.WriteLine($"subscribers: {line}");
        }
        _ready.TrySetException(new InvalidOperationException("The subscriber process ended before it was ready."));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("quit");
            await _process.StandardInput.FlushAsync();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill(entireProcessTree: true);
        }
        catch (IOException)
        {
            // The child already exited.
        }
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    /// <summary>The child's side: <c>subscribers {etcd|hub} {count} {endpoint|url} {prefix|apiKey} {app} {known}</c>.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (transport, count, target, credential, app, known) = (args[0], int.Parse(args[1], CultureInfo.InvariantCulture), args[2], args[3], args[4],
            long.Parse(args[5], CultureInfo.InvariantCulture));
        var stamps = new long[count];
        var filled = 0;
        var rounds = new List<long[]>();
        var output = new object();
        void Hit()
        {
            var now = Stopwatch.GetTimestamp();
            lock (stamps)
            {
                stamps[filled++] = now;
                if (filled < count) return;
                rounds.Add([.. stamps]);
                filled = 0;
            }
            lock (output) Console.Out.WriteLine($"all {now.ToString(CultureInfo.InvariantCulture)}");
        }

        using var channel = transport == "etcd" ? GrpcChannel.ForAddress(target) : null;
        var subscribers = new List<IAsyncDisposable>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
        {
            IAsyncDisposable subscriber = channel is not null
                ? await EtcdSubscriber.StartAsync(channel, credential, Hit, token)
                : await HubSubscriber.StartAsync(new Uri(target), credential, app, known, Hit, token);
            lock (subscribers) subscribers.Add(subscriber);
        });
        lock (output) Console.Out.WriteLine("ready");
        while (Console.In.ReadLine() is { } command && command != "quit")
        {
            if (command != "report") continue;
            lock (output)
            {
                lock (stamps)
                {
                    foreach (var round in rounds) Console.Out.WriteLine("round " + string.Join(' ', round.Select(s => s.ToString(CultureInfo.InvariantCulture))));
                }
                Console.Out.WriteLine("end");
            }
        }
        foreach (var subscriber in subscribers) await subscriber.DisposeAsync();
        return 0;
    }
}

/// <summary>A lightweight etcd subscriber: one watch stream on the app's prefix, like the client's.</summary>
internal sealed class EtcdSubscriber(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, Task reading) : IAsyncDisposable
{
    /// <summary>Watches for puts from now on; returns once etcd confirmed the watch.</summary>
    public static async Task<EtcdSubscriber> StartAsync(GrpcChannel channel, string prefix, Action hit, CancellationToken ct)
    {
        var call = new Watch.WatchClient(channel).Watch(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ConfigCenter.Etcd.EtcdRanges.PrefixEnd(prefix) } }, ct);
        if (!await call.ResponseStream.MoveNext(ct) || !call.ResponseStream.Current.Created) throw new InvalidOperationException("etcd did not create the watch.");
        var reading = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.Events.Count > 0) hit();
            }
        }, CancellationToken.None);
        return new EtcdSubscriber(call, reading);
    }

    public async ValueTask DisposeAsync()
    {
        call.Dispose();
        await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

/// <summary>
/// A lightweight hub subscriber: a raw WebSocket speaking the SignalR JSON protocol — handshake, the same
/// <c>Subscribe</c> invocation as the client, then one receive per push. The server does exactly the work it
/// does for a real client; the subscriber process does not spend a full HubConnection's CPU on each of the 999.
/// </summary>
internal sealed class HubSubscriber(ClientWebSocket socket, Task reading, CancellationTokenSource stop) : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    public static async Task<HubSubscriber> StartAsync(Uri server, string apiKey, string app, long known, Action hit, CancellationToken ct)
    {
        // Owned by the returned subscriber, which disposes it.
#pragma warning disable CA2000
        var socket = new ClientWebSocket();
#pragma warning restore CA2000
        socket.Options.SetRequestHeader(ConfigHubRoutes.ApiKeyHeader, apiKey);
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var url = new UriBuilder(new Uri(server, ConfigHubRoutes.Hub)) { Scheme = server.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(url, ct);
        await SendAsync(socket, "{\"protocol\":\"json\",\"version\":1}", ct);
        var subscribe = JsonSerializer.Serialize(new
        {
            type = 1,
            invocationId = "1",
            target = nameof(IConfigHub.Subscribe),
            arguments = new object[] { app, PublishToReloadBenchmark.Env, new[] { PublishToReloadBenchmark.Ns }, new Dictionary<string, long> { [PublishToReloadBenchmark.Ns] = known }, new { instanceId = Guid.NewGuid().ToString("N") } },
        });
        await SendAsync(socket, subscribe, ct);
        var buffer = new byte[64 * 1024];
        // The handshake answer, then the invocation's completion (type 3).
        var text = "";
        while (!text.Contains("\"type\":3", StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The hub closed the connection while subscribing.");
            text += System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count);
            if (text.Contains("\"error\"", StringComparison.Ordinal)) throw new InvalidOperationException($"Subscribe failed: {text}");
        }
#pragma warning disable CA2000 // owned by the returned subscriber
        var stop = new CancellationTokenSource();
#pragma warning restore CA2000
        var reading = Task.Run(async () =>
        {
            var lastPing = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                // Pushes are invocations (type 1); the server's keep-alive pings are type 6.
                if (buffer.AsSpan(0, result.Count).IndexOf("\"type\":1,"u8) >= 0) hit();
                if (Stopwatch.GetElapsedTime(lastPing) > TimeSpan.FromSeconds(10))
                {
                    lastPing = Stopwatch.GetTimestamp();
                    await SendAsync(socket, "{\"type\":6}", stop.Token);
                }
            }
        }, CancellationToken.None);
        return new HubSubscriber(socket, reading, stop);
    }

    private static Task SendAsync(ClientWebSocket socket, string message, CancellationToken ct) =>
        socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, ct);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket.Abort();
        socket.Dispose();
        stop.Dispose();
    }
}

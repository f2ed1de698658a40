using System.Collections.Concurrent;
using System.Diagnostics;
using ConfigCenter.Contracts;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace ConfigCenter.Benchmarks;

/// <summary>A raw etcd prefix watch that timestamps every put, to see when a release reached etcd.</summary>
internal sealed class EtcdWatchProbe : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> _call;
    private readonly Task _reader;
    // Per key, the revisions it held in arrival order (they only grow: the relay never writes an older one).
    private readonly ConcurrentDictionary<string, List<(long Revision, long Timestamp)>> _arrivals = new(StringComparer.Ordinal);
    private int _arrivalCount;
    private readonly ConcurrentDictionary<string, long> _lastPut = new();
    private readonly CancellationTokenSource _cts = new();

    private EtcdWatchProbe(GrpcChannel channel, AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call)
    {
        _channel = channel;
        _call = call;
        _reader = Task.Run(ReadAsync);
    }

    public GrpcChannel Channel => _channel;

    public static async Task<EtcdWatchProbe> StartAsync(string endpoint, string prefix)
    {
        var channel = GrpcChannel.ForAddress(endpoint);
        var call = new Watch.WatchClient(channel).Watch();
        var end = System.Text.Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ByteString.CopyFrom(end) },
        });
        if (!await call.ResponseStream.MoveNext(CancellationToken.None) || !call.ResponseStream.Current.Created)
            throw new InvalidOperationException("etcd did not create the watch.");
        return new EtcdWatchProbe(channel, call);
    }

    /// <summary>
    /// Stopwatch timestamp at which <paramref name="key"/> first held <paramref name="revision"/> or a newer one
    /// (the relay coalesces a namespace's queued releases into the newest).
    /// </summary>
    public bool TryGetArrival(string key, long revision, out long timestamp)
    {
        timestamp = 0;
        if (!_arrivals.TryGetValue(key, out var list)) return false;
        lock (list)
        {
            foreach (var (held, at) in list)
            {
                if (held < revision) continue;
                timestamp = at;
                return true;
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="key"/> holds at least <paramref name="revision"/>.</summary>
    public bool Reached(string key, long revision)
    {
        if (!_arrivals.TryGetValue(key, out var list)) return false;
        lock (list) return list.Count > 0 && list[^1].Revision >= revision;
    }

    /// <summary>Stopwatch timestamp of the last put of a raw (non-document) key.</summary>
    public bool TryGetLastPut(string key, out long timestamp) => _lastPut.TryGetValue(key, out timestamp);

    public int ArrivalCount => Volatile.Read(ref _arrivalCount);

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var response in _call.ResponseStream.ReadAllAsync(_cts.Token))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var e in response.Events)
                {
                    var key = e.Kv.Key.ToStringUtf8();
                    _lastPut[key] = now;
                    if (e.Kv.Value.Length > 0 && e.Kv.Value.Span[0] == (byte)'{' && TryRevision(e.Kv.Value, out var revision))
                    {
                        var list = _arrivals.GetOrAdd(key, _ => []);
                        lock (list) list.Add((revision, now));
                        Interlocked.Increment(ref _arrivalCount);
                    }
                }
            }
        }
        catch (RpcException) when (_cts.IsCancellationRequested)
        {
            // Disposed: the watch was cancelled on purpose.
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private static bool TryRevision(ByteString value, out long revision)
    {
        revision = 0;
        try
        {
            var doc = System.Text.Json.JsonSerializer.Deserialize(value.Span, ContractsJsonContext.Default.ReleaseDocument);
            revision = doc?.Revision ?? 0;
            return doc is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _call.Dispose();
        try
        {
            await _reader;
        }
        catch (RpcException)
        {
            // The call was disposed under the reader.
        }
        _channel.Dispose();
        _cts.Dispose();
    }
}

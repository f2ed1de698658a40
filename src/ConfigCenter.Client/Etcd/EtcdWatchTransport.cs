using System.Text.Json;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Etcd;

/// <summary>
/// The etcd transport: reads every namespace of the app/env once, then keeps one prefix watch open from the
/// last seen revision + 1. Any failure moves to the next endpoint after a jittered backoff; a compacted revision
/// means re-read everything and watch from the new revision; a member that stops answering progress requests is
/// treated as frozen and left.
/// </summary>
internal sealed class EtcdWatchTransport : IDisposable
{
    public const string Name = "etcd";

    private readonly ConfigCenterOptions _options;
    private readonly ReleaseApplier _applier;
    private readonly Action _ready;
    private readonly ILogger _logger;
    private readonly EtcdChannels _channels;
    private readonly string _prefix;

    public EtcdWatchTransport(ConfigCenterOptions options, ReleaseApplier applier, Action ready, ILogger logger)
    {
        _options = options;
        _applier = applier;
        _ready = ready;
        _logger = logger;
        _channels = new EtcdChannels(options.Etcd);
        _prefix = EtcdKeys.ConfigPrefix(options.Etcd.Prefix, options.Environment, options.App);
    }

    public TransportStatus Status { get; } = new(Name);

    public IReadOnlyList<string> Endpoints => _channels.Endpoints;

    public async Task RunAsync(CancellationToken ct)
    {
        long next = 0;
        var backoff = new Backoff(_options.MaxRetryDelay);
        while (!ct.IsCancellationRequested)
        {
            var (invoker, endpoint) = _channels.Current;
            var session = new EtcdWatchSession(_options.Etcd, _options.TimeProvider, Status, endpoint, _logger);
            try
            {
                if (next == 0) next = await ReadAllAsync(invoker, endpoint, ct);
                next = await session.RunAsync(invoker, await _channels.HeadersAsync(invoker, ct), _prefix, next, Apply, ct);
                backoff.Reset();
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep the progress made on the failed stream: resume after the last event it delivered.
                if (session.Next > next) next = session.Next;
                if (e is RpcException rpc && EtcdChannels.IsAuthExpired(rpc)) _channels.InvalidateToken();
                else _channels.MarkFailed(endpoint);
                var error = e is RpcException r ? $"{r.StatusCode}: {r.Status.Detail}" : e.Message;
                Status.Down(endpoint, error);
                var delay = backoff.Next();
                _logger.LogWarning("etcd watch on {Endpoint} failed ({Error}); resuming from r{Next} on {NextEndpoint} in {Delay} ms",
                    endpoint, error, next, _channels.Current.Endpoint, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _options.TimeProvider, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<long> ReadAllAsync(CallInvoker invoker, string endpoint, CancellationToken ct)
    {
        var headers = await _channels.HeadersAsync(invoker, ct);
        var response = await new KV.KVClient(invoker).RangeAsync(
            new RangeRequest { Key = ByteString.CopyFromUtf8(_prefix), RangeEnd = PrefixEnd(_prefix) },
            headers, DateTime.UtcNow + _options.Etcd.RequestTimeout, ct);
        Apply([.. response.Kvs]);
        Status.Up(endpoint);
        _logger.LogDebug("Read {Count} release documents from {Endpoint} at r{Revision}", response.Kvs.Count, endpoint, response.Header.Revision);
        _ready();
        return response.Header.Revision + 1;
    }

    private void Apply(IReadOnlyList<Mvccpb.KeyValue> kvs)
    {
        var documents = new List<ReleaseDocument>(kvs.Count);
        foreach (var kv in kvs)
        {
            try
            {
                if (JsonSerializer.Deserialize(kv.Value.Span, ContractsJsonContext.Default.ReleaseDocument) is { } document) documents.Add(document);
            }
            catch (JsonException e)
            {
                _logger.LogWarning("etcd key {Key} does not hold a release document; ignored: {Error}", kv.Key.ToStringUtf8(), e.Message);
            }
        }
        if (documents.Count > 0) _applier.Offer(documents, Name);
    }

    internal static ByteString PrefixEnd(string prefix) => ByteString.CopyFrom(EtcdKeys.PrefixRangeEnd(prefix));

    public void Dispose() => _channels.Dispose();
}

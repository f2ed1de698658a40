using System.Text.Json;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Etcd;

/// <summary>
/// The etcd transport: one <see cref="EtcdPrefixWatch"/> on <c>{prefix}/config/{env}/{app}/</c>. The watch reads every
/// namespace once, then follows changes from the last seen revision + 1, moving to another member when one fails or
/// freezes and reading everything again after a compaction; this class turns what it sees into release documents
/// for the applier.
/// </summary>
internal sealed class EtcdWatchTransport : IEtcdWatchHandler, IDisposable
{
    public const string Name = "etcd";

    private readonly ReleaseApplier _applier;
    private readonly Action _ready;
    private readonly ILogger _logger;
    private readonly EtcdConnection _connection;
    private readonly EtcdPrefixWatch _watch;

    public EtcdWatchTransport(ConfigCenterOptions options, ReleaseApplier applier, Action ready, ILogger logger)
    {
        _applier = applier;
        _ready = ready;
        _logger = logger;
        _connection = new EtcdConnection(options.ToEtcdClientOptions(), logger, options.TimeProvider);
        _watch = new EtcdPrefixWatch(_connection, EtcdKeys.ConfigPrefix(options.Etcd.Prefix, options.Environment, options.App), this, logger);
    }

    public TransportStatus Status { get; } = new(Name);

    public IReadOnlyList<string> Endpoints => _connection.Endpoints;

    /// <summary>The transport's etcd connection, shared with the instance's presence entry.</summary>
    public EtcdConnection Connection => _connection;

    public Task RunAsync(CancellationToken ct) => _watch.RunAsync(ct);

    void IEtcdWatchHandler.OnSnapshot(IReadOnlyList<Mvccpb.KeyValue> kvs, long revision)
    {
        // The applier keeps namespaces it no longer sees (a deleted namespace keeps serving its last release), so a
        // snapshot is offered like any batch of puts.
        Apply(kvs);
        _ready();
    }

    void IEtcdWatchHandler.OnEvents(IReadOnlyList<Mvccpb.Event> events)
    {
        List<Mvccpb.KeyValue>? puts = null;
        foreach (var e in events)
        {
            if (e.Type == Mvccpb.Event.Types.EventType.Put) (puts ??= []).Add(e.Kv);
        }
        if (puts is not null) Apply(puts);
    }

    void IEtcdWatchHandler.OnConnected(string endpoint) => Status.Up(endpoint);

    void IEtcdWatchHandler.OnDisconnected(string endpoint, string reason) => Status.Down(endpoint, reason);

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


    public void Dispose() => _connection.Dispose();
}

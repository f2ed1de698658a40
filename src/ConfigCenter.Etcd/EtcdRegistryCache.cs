using System.Text.Json;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace ConfigCenter.Etcd;

/// <summary>
/// Every instance registered in one environment (<c>{prefix}/registry/{env}/</c>), kept current in memory by one
/// <see cref="EtcdPrefixWatch"/>: the first read fills it, events follow, a deleted or expired key removes its
/// instance. Reads never touch the network. The client's discovery and the server's registry view both sit on it.
/// </summary>
public sealed class EtcdRegistryCache : IEtcdWatchHandler, IAsyncDisposable
{
    private static readonly IReadOnlyList<RegistryEntry> None = [];

    private readonly EtcdPrefixWatch _watch;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Touched only on the watch loop: service → instance id → entry.
    private readonly Dictionary<string, Dictionary<string, RegistryEntry>> _byService = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> _services = new Dictionary<string, IReadOnlyList<RegistryEntry>>();
    private Task? _loop;
    private int _stopped;

    /// <summary>Creates the cache; nothing is read until <see cref="Start"/>.</summary>
    /// <param name="connection">The cluster.</param>
    /// <param name="prefix">The ConfigCenter key prefix, e.g. <c>/configcenter</c>.</param>
    /// <param name="environment">The environment whose registry is followed.</param>
    /// <param name="logger">Where unreadable entries are logged; the connection's logger when null.</param>
    public EtcdRegistryCache(EtcdConnection connection, string prefix, string environment, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(environment);
        Environment = environment;
        RegistryPrefix = EtcdKeys.RegistryPrefix(prefix, environment);
        _logger = logger ?? connection.Logger;
        _watch = new EtcdPrefixWatch(connection, RegistryPrefix, this, _logger);
    }

    /// <summary>The environment followed.</summary>
    public string Environment { get; }

    /// <summary>The watched prefix, <c>{prefix}/registry/{env}/</c>.</summary>
    public string RegistryPrefix { get; }

    /// <summary>True once the first read has filled the cache.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>
    /// Every registered instance per service, healthy or not, ordered by instance id. An immutable snapshot: a change
    /// replaces it, so it can be enumerated while the watch moves on.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> Services => _services;

    /// <summary>
    /// Raised on the watch loop after the cache changed (the first read included), with the services whose instances
    /// changed. Handlers should return quickly.
    /// </summary>
    public event EventHandler<IReadOnlyCollection<string>>? Changed;

    /// <summary>Starts reading and watching in the background (once).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        if (Interlocked.CompareExchange(ref _loop, Task.CompletedTask, null) is not null) return;
        _loop = Task.Run(() => _watch.RunAsync(_stop.Token));
    }

    /// <summary>Waits until the first read filled the cache.</summary>
    public Task WaitReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    /// <summary>Every registered instance of <paramref name="service"/> (empty when none), healthy or not.</summary>
    public IReadOnlyList<RegistryEntry> GetInstances(string service) => _services.GetValueOrDefault(service) ?? None;

    void IEtcdWatchHandler.OnSnapshot(IReadOnlyList<KeyValue> kvs, long revision)
    {
        var changed = new HashSet<string>(_byService.Keys, StringComparer.Ordinal);
        _byService.Clear();
        foreach (var kv in kvs)
        {
            if (Parse(kv) is { } entry)
            {
                Instances(entry.Service)[entry.InstanceId] = entry;
                changed.Add(entry.Service);
            }
        }
        Publish(changed, all: true);
        _ready.TrySetResult();
    }

    void IEtcdWatchHandler.OnEvents(IReadOnlyList<Event> events)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!TrySplit(e.Kv.Key.ToStringUtf8(), out var service, out var instanceId)) continue;
            if (e.Type == Event.Types.EventType.Delete)
            {
                if (_byService.TryGetValue(service, out var instances) && instances.Remove(instanceId))
                {
                    if (instances.Count == 0) _byService.Remove(service);
                    changed.Add(service);
                }
            }
            else if (Parse(e.Kv) is { } entry)
            {
                Instances(service)[instanceId] = entry;
                changed.Add(service);
            }
        }
        if (changed.Count > 0) Publish(changed, all: false);
    }

    void IEtcdWatchHandler.OnConnected(string endpoint)
    {
    }

    void IEtcdWatchHandler.OnDisconnected(string endpoint, string reason)
    {
        // The watch logs and resumes on its own; the cache keeps serving what it last saw.
    }

    private Dictionary<string, RegistryEntry> Instances(string service)
    {
        if (!_byService.TryGetValue(service, out var instances)) _byService[service] = instances = new(StringComparer.Ordinal);
        return instances;
    }

    private void Publish(HashSet<string> changed, bool all)
    {
        // Copy on write: readers hold the old snapshot; only the changed services are rebuilt.
        var next = all
            ? new Dictionary<string, IReadOnlyList<RegistryEntry>>(StringComparer.Ordinal)
            : new Dictionary<string, IReadOnlyList<RegistryEntry>>(_services, StringComparer.Ordinal);
        foreach (var service in all ? (IEnumerable<string>)_byService.Keys : changed)
        {
            if (_byService.TryGetValue(service, out var instances))
            {
                next[service] = instances.Values.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray();
            }
            else
            {
                next.Remove(service);
            }
        }
        _services = next;
        if (Changed is not { } handlers) return;
        try
        {
            handlers(this, changed);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A registry change handler failed ({Prefix})", RegistryPrefix);
        }
    }

    private RegistryEntry? Parse(KeyValue kv)
    {
        var key = kv.Key.ToStringUtf8();
        if (!TrySplit(key, out var service, out var instanceId)) return null;
        try
        {
            var entry = JsonSerializer.Deserialize(kv.Value.Span, ContractsJsonContext.Default.RegistryEntry);
            if (entry is null) return null;
            // The key is the truth: an entry claiming another name would otherwise be listed twice or never removed.
            // The source-generated reader leaves absent optional fields null rather than at their defaults.
            return entry with
            {
                Service = service,
                InstanceId = instanceId,
                Scheme = string.IsNullOrEmpty(entry.Scheme) ? "http" : entry.Scheme,
                Health = string.IsNullOrEmpty(entry.Health) ? "passing" : entry.Health,
                Metadata = entry.Metadata ?? new Dictionary<string, string>(),
                ConfigRevisions = entry.ConfigRevisions ?? new Dictionary<string, long>(),
            };
        }
        catch (JsonException e)
        {
            _logger.LogWarning("etcd key {Key} does not hold a registry entry; ignored: {Error}", key, e.Message);
            return null;
        }
    }

    private bool TrySplit(string key, out string service, out string instanceId)
    {
        service = instanceId = "";
        if (!key.StartsWith(RegistryPrefix, StringComparison.Ordinal)) return false;
        var rest = key.AsSpan(RegistryPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1 || rest[(slash + 1)..].Contains('/')) return false;
        service = rest[..slash].ToString();
        instanceId = rest[(slash + 1)..].ToString();
        return true;
    }

    /// <summary>Stops the watch.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

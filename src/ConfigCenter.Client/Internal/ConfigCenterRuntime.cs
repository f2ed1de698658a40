using System.Reflection;
using ConfigCenter.Client.Etcd;
using ConfigCenter.Client.Server;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// Everything one configuration source runs: the applier, the cache, the metrics and the transports. Start-up
/// waits for a live source up to <see cref="ConfigCenterOptions.StartupTimeout"/>, then falls back to the cache,
/// then (only when optional) to empty configuration; the transports keep retrying in the background either way.
/// </summary>
internal sealed class ConfigCenterRuntime : IDisposable
{
    private readonly ConfigCenterOptions _options;
    private readonly ILogger _logger;
    // These are disposed in Dispose's continuation, once the transport loops have ended (the analyzer cannot see it).
#pragma warning disable CA2213
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _live = new();
    private readonly List<Task> _running = [];
    private readonly EtcdWatchTransport? _etcd;
    private readonly HubTransport? _hub;
#pragma warning restore CA2213

    public ConfigCenterRuntime(ConfigCenterOptions options, Action<Dictionary<string, string?>> publish)
    {
        ConfigCenterOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ConfigCenter.Client");
        Instance = new ClientInstanceInfo
        {
            InstanceId = options.InstanceId ?? $"{System.Environment.MachineName.ToLowerInvariant()}-{System.Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
            Host = System.Environment.MachineName,
            ProcessId = System.Environment.ProcessId,
            ClientVersion = ClientVersion,
        };
        Cache = new LastKnownGoodCache(options.CacheDirectory ?? LastKnownGoodCache.DefaultDirectory(options.App, options.Environment),
            options.App, options.Environment, _logger);
        List<TransportStatus> transports = [];
        Metrics = new ClientMetrics(options.App, options.Environment, () => Applier!.Revisions, transports);
        CacheWriter = new CacheWriter(Cache);
        Applier = new ReleaseApplier(options, publish, CacheWriter, Metrics, _logger);
        if (options.Etcd.Endpoints.Count > 0)
        {
            _etcd = new EtcdWatchTransport(options, Applier, _live.Set, _logger);
            transports.Add(_etcd.Status);
        }
        if (!string.IsNullOrWhiteSpace(options.Server.Url))
        {
            _hub = new HubTransport(options, Applier, Instance, _live.Set, _logger);
            transports.Add(_hub.Status);
        }
        Transports = transports;
    }

    public static string ClientVersion { get; } =
        typeof(ConfigCenterRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public ConfigCenterOptions Options => _options;

    public ClientInstanceInfo Instance { get; }

    public ReleaseApplier Applier { get; }

    public LastKnownGoodCache Cache { get; }

    public CacheWriter CacheWriter { get; }

    public ClientMetrics Metrics { get; }

    public IReadOnlyList<TransportStatus> Transports { get; }

    /// <summary>True once a live source (etcd or the server) has delivered the current state.</summary>
    public bool LiveSourceAnswered => _live.IsSet;

    /// <summary>The etcd endpoint the watch uses now (empty without the etcd transport).</summary>
    internal string EtcdEndpoint => _etcd?.Status.Endpoint ?? "";

    public void Start()
    {
        if (_etcd is not null) _running.Add(Task.Run(() => _etcd.RunAsync(_stop.Token)));
        if (_hub is not null) _running.Add(Task.Run(() => _hub.RunAsync(_stop.Token)));
        if (_live.Wait(_options.StartupTimeout)) return;

        var cached = _options.Namespaces.Select(Cache.Read).OfType<ReleaseDocument>().ToList();
        if (cached.Count > 0)
        {
            _logger.LogWarning("No live ConfigCenter source answered within {Timeout} s ({Transports}); starting from the last-known-good cache in {Directory} ({Revisions})",
                _options.StartupTimeout.TotalSeconds, string.Join("; ", Transports), Cache.Directory,
                string.Join(", ", cached.Select(d => $"{d.Namespace} r{d.Revision}")));
            Applier.Offer(cached, "cache");
            return;
        }
        if (_options.Optional)
        {
            _logger.LogWarning("No live ConfigCenter source answered within {Timeout} s and there is no cache; starting empty (optional) and retrying in the background: {Transports}",
                _options.StartupTimeout.TotalSeconds, string.Join("; ", Transports));
            return;
        }
        var message = StartupFailureMessage();
        Dispose();
        throw new InvalidOperationException(message);
    }

    private string StartupFailureMessage()
    {
        var tried = new List<string>();
        if (_etcd is not null) tried.Add($"etcd [{string.Join(", ", _etcd.Endpoints)}]: {_etcd.Status.LastError ?? "no answer"}");
        if (_hub is not null) tried.Add($"server {_hub.Url}: {_hub.Status.LastError ?? "no answer"}");
        return $"ConfigCenter could not load the configuration of app '{_options.App}' in environment '{_options.Environment}' " +
               $"within {_options.StartupTimeout.TotalSeconds:0.#} s. Tried {string.Join("; ", tried)}. " +
               $"No last-known-good cache in '{Cache.Directory}'. Set ConfigCenter:Optional=true to start empty and keep retrying.";
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        // Transports release their channels once their loops have seen the cancellation.
        _ = Task.WhenAll(_running).ContinueWith(_ =>
        {
            _etcd?.Dispose();
            _hub?.Dispose();
            CacheWriter.Dispose();
            Metrics.Dispose();
            _live.Dispose();
            _stop.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }
}

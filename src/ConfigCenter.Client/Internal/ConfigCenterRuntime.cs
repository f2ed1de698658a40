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
    private readonly LastKnownGoodCache _cache;
    // These are disposed in Dispose's continuation, once the transport loops have ended (the analyzer cannot see it).
#pragma warning disable CA2213
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _live = new();
    private readonly List<Task> _running = [];
    private readonly EtcdWatchTransport? _etcd;
    private readonly HubTransport? _hub;
    private readonly CacheWriter _cacheWriter;
    private readonly ClientMetrics _metrics;
    private readonly InstancePresence? _presence;
#pragma warning restore CA2213

    public ConfigCenterRuntime(ConfigCenterOptions options, Action<Dictionary<string, string?>> reload)
    {
        ConfigCenterOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ConfigCenter.Client");
        var instance = new ClientInstanceInfo
        {
            InstanceId = options.InstanceId ?? $"{System.Environment.MachineName.ToLowerInvariant()}-{System.Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
            Host = System.Environment.MachineName,
            ProcessId = System.Environment.ProcessId,
            ClientVersion = ClientVersion,
            WritesPresence = options.Presence && options.Etcd.Endpoints.Count > 0,
        };
        _cache = new LastKnownGoodCache(options.CacheDirectory ?? LastKnownGoodCache.DefaultDirectory(options.App, options.Environment),
            options.App, options.Environment, _logger);
        Applier = new ReleaseApplier(options, _logger);
        List<TransportStatus> transports = [];
        _metrics = new ClientMetrics(options.App, options.Environment, options.TimeProvider, () => Applier.Current, transports);
        _cacheWriter = new CacheWriter(_cache);
        // The order of these subscriptions is the order listeners see a round: the configuration first, so every
        // later listener (and IConfigCenterChanges, which subscribes after the first load) reads the new values.
        Applier.Applied += applied => reload(ReleaseLayering.Merge(options.Namespaces, applied.Current, Applier.Secrets));
        Applier.Applied += _cacheWriter.OnApplied;
        Applier.Applied += _metrics.OnApplied;
        if (options.Etcd.Endpoints.Count > 0)
        {
            _etcd = new EtcdWatchTransport(options, Applier, _live.Set, _logger);
            transports.Add(_etcd.Status);
        }
        if (!string.IsNullOrWhiteSpace(options.Server.Url))
        {
            _hub = new HubTransport(options, Applier, instance, _live.Set, _logger);
            transports.Add(_hub.Status);
        }
        Transports = transports;
        if (_etcd is not null && options.Presence)
        {
            _presence = new InstancePresence(options, _etcd.Connection, instance, _hub is null ? "etcd" : "etcd+hub", _logger);
            Applier.Applied += _presence.OnApplied;
        }
    }

    /// <summary>This client's presence entry in the registry; null without etcd or with presence disabled.</summary>
    public InstancePresence? Presence => _presence;

    private static string ClientVersion { get; } =
        typeof(ConfigCenterRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public ConfigCenterOptions Options => _options;

    public ReleaseApplier Applier { get; }

    public IReadOnlyList<TransportStatus> Transports { get; }

    /// <summary>True once a live source (etcd or the server) has delivered the current state.</summary>
    public bool LiveSourceAnswered => _live.IsSet;

    public void Start()
    {
        if (_etcd is not null) _running.Add(Task.Run(() => _etcd.RunAsync(_stop.Token)));
        if (_hub is not null) _running.Add(Task.Run(() => _hub.RunAsync(_stop.Token)));
        _presence?.Start();
        if (_live.Wait(_options.StartupTimeout))
        {
            WaitForReload();
            ThrowIfSecretsCannotBeOpened();
            return;
        }

        var cached = _options.Namespaces.Select(_cache.Read).OfType<ReleaseDocument>().ToList();
        if (cached.Count > 0)
        {
            _logger.LogWarning("No live ConfigCenter source answered within {Timeout} s ({Transports}); starting from the last-known-good cache in {Directory} ({Revisions})",
                _options.StartupTimeout.TotalSeconds, string.Join("; ", Transports), _cache.Directory,
                string.Join(", ", cached.Select(d => $"{d.Namespace} r{d.Revision}")));
            Applier.Offer(cached, LastKnownGoodCache.Source);
            WaitForReload();
            ThrowIfSecretsCannotBeOpened();
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

    /// <summary>
    /// A transport signals "live" right after its offer; when another thread was delivering an earlier round, the
    /// offer's own reload may still be queued behind it. Load returns only with that data in place.
    /// </summary>
    private void WaitForReload()
    {
        if (!Applier.Delivered.Wait(_options.StartupTimeout))
        {
            _logger.LogWarning("The first ConfigCenter reload did not finish within {Timeout} s; continuing", _options.StartupTimeout.TotalSeconds);
        }
    }

    /// <summary>
    /// A namespace whose release was refused because its secrets do not open is a misconfiguration, not an outage: start-up
    /// fails with the reason (namespace and key id) even when the source is optional, instead of running without those values.
    /// </summary>
    private void ThrowIfSecretsCannotBeOpened()
    {
        var failed = _options.Namespaces.Where(ns => !Applier.Current.ContainsKey(ns) && Applier.Secrets.Failures.ContainsKey(ns)).ToList();
        if (failed.Count == 0) return;
        var message = string.Join(" ", failed.Select(ns => Applier.Secrets.Failures[ns]));
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
               $"No last-known-good cache in '{_cache.Directory}'. Set ConfigCenter:Optional=true to start empty and keep retrying.";
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        // Transports release their channels once their loops have seen the cancellation.
        // The presence lease is revoked before the connection it uses is disposed.
        var presence = _presence is null ? Task.CompletedTask : _presence.DisposeAsync().AsTask();
        _ = Task.WhenAll([.. _running, presence]).ContinueWith(_ =>
        {
            _etcd?.Dispose();
            _hub?.Dispose();
            _cacheWriter.Dispose();
            _metrics.Dispose();
            _live.Dispose();
            _stop.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }
}

using System.Collections.Concurrent;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// <see cref="IServiceRegistry"/> over one <see cref="EtcdRegistryCache"/> of the configured environment, started on
/// first use. A change cancels the current change token and installs a fresh one.
/// </summary>
internal sealed class ServiceRegistry : IServiceRegistry, IAsyncDisposable
{
    private readonly RegistryEtcd _etcd;
    private readonly IOptionsMonitor<ServiceRegistryOptions> _options;
    private readonly ILogger _logger;
    private readonly Lazy<EtcdRegistryCache> _cache;
    // Services whose protection threshold is in force, so the switch is logged once each way.
    private readonly ConcurrentDictionary<string, byte> _protected = new(StringComparer.Ordinal);
    private CancellationTokenSource _changed = new();

    public ServiceRegistry(RegistryEtcd etcd, IOptionsMonitor<ServiceRegistryOptions> options, ILogger<ServiceRegistry> logger)
    {
        _etcd = etcd;
        _options = options;
        _logger = logger;
        _cache = new Lazy<EtcdRegistryCache>(CreateCache);
    }

    public EtcdRegistryCache Cache
    {
        get
        {
            var cache = _cache.Value;
            cache.Start();
            return cache;
        }
    }

    public async ValueTask<IReadOnlyList<RegistryEntry>> GetInstancesAsync(string service, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        var cache = Cache;
        if (!cache.IsReady) await cache.WaitReadyAsync(ct).ConfigureAwait(false);
        return Select(service, cache.GetInstances(service));
    }

    public IChangeToken GetChangeToken()
    {
        _ = Cache;
        return new CancellationChangeToken(Volatile.Read(ref _changed).Token);
    }

    /// <summary>
    /// The instances discovery returns; logs (once each way) when the protection threshold starts and stops applying.
    /// Runs on a query and on every change of the service.
    /// </summary>
    private IReadOnlyList<RegistryEntry> Select(string service, IReadOnlyList<RegistryEntry> all)
    {
        var inRotation = all.Where(RegistryMetadata.InRotation).ToList();
        var passing = inRotation.Where(e => e.Health == "passing").ToList();
        var threshold = _options.CurrentValue.ProtectionThreshold;
        if (threshold > 0 && inRotation.Count > 0 && (double)passing.Count / inRotation.Count < threshold)
        {
            if (_protected.TryAdd(service, 0))
            {
                _logger.LogWarning("Protection threshold: {Passing} of {Total} instances of {Service} are passing, below {Threshold:P0}; returning all of them",
                    passing.Count, inRotation.Count, service, threshold);
            }
            return inRotation;
        }
        if (_protected.TryRemove(service, out _))
        {
            _logger.LogInformation("Protection threshold lifted for {Service}: {Passing} of {Total} instances are passing", service, passing.Count, inRotation.Count);
        }
        return passing;
    }

    private EtcdRegistryCache CreateCache()
    {
        if (_etcd.Problem() is { } problem) throw new InvalidOperationException($"ConfigCenter discovery cannot start: {problem}");
        var cache = new EtcdRegistryCache(_etcd.Connection, _etcd.Prefix, _etcd.Environment, _logger);
        cache.Changed += (_, services) =>
        {
            // Protection starts and ends when the instances change, not when someone next asks: log it then.
            foreach (var service in services) Select(service, cache.GetInstances(service));
            // Swap first, then cancel: a reader that takes the token after the swap sees the new state.
            var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            previous.Cancel();
        };
        return cache;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cache.IsValueCreated) await _cache.Value.DisposeAsync().ConfigureAwait(false);
        _changed.Dispose();
    }
}

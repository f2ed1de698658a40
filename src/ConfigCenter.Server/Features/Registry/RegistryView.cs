using System.Collections.Concurrent;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Registry;

/// <summary>
/// The server's view of the service registry: one <see cref="EtcdRegistryCache"/> (one etcd watch) per environment,
/// opened the first time the environment is asked for and kept current from then on.
/// </summary>
internal sealed class RegistryView(EtcdConnection etcd, IOptions<ConfigCenterServerOptions> options, ILogger<RegistryView> logger) : IAsyncDisposable
{
    private static readonly TimeSpan FirstReadTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Lazy<EtcdRegistryCache>> _caches = new(StringComparer.Ordinal);

    /// <summary>False in standalone mode: without etcd there is no registry.</summary>
    public bool Enabled => etcd.Enabled;

    /// <summary>
    /// Every registered instance of <paramref name="environment"/> per service; waits for the first read of a newly
    /// followed environment (up to 5 s, then <see cref="TimeoutException"/>).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>>> ServicesAsync(string environment, CancellationToken ct)
    {
        if (!Enabled) return new Dictionary<string, IReadOnlyList<RegistryEntry>>();
        var cache = _caches.GetOrAdd(environment, env => new Lazy<EtcdRegistryCache>(() => Open(env))).Value;
        if (!cache.IsReady) await cache.WaitReadyAsync(ct).WaitAsync(FirstReadTimeout, ct).ConfigureAwait(false);
        return cache.Services;
    }

    /// <summary>Services and instances per environment this server follows (environments nobody asked for are not watched).</summary>
    public IEnumerable<(string Environment, int Services, int Instances)> Sizes() =>
        _caches.Where(c => c.Value.IsValueCreated && c.Value.Value.IsReady)
            .Select(c => (c.Key, c.Value.Value.Services.Count, c.Value.Value.Services.Values.Sum(i => i.Count)));

    /// <summary>Raised after any followed environment changed, with the environment.</summary>
    public event Action<string>? Changed;

    private EtcdRegistryCache Open(string environment)
    {
        var cache = new EtcdRegistryCache(etcd, options.Value.Etcd.Prefix, environment, logger);
        cache.Changed += (_, _) => Changed?.Invoke(environment);
        cache.Start();
        return cache;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cache in _caches.Values.Where(c => c.IsValueCreated)) await cache.Value.DisposeAsync().ConfigureAwait(false);
    }
}

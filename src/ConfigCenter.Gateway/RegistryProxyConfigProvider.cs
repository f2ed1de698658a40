using System.Threading.Channels;
using ConfigCenter.Client;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ConfigCenter.Gateway;

/// <summary>
/// YARP's configuration: routes from <see cref="RoutesSource"/>, destinations from <see cref="IServiceRegistry"/>.
/// A routes release or a registry change (both pushed, nothing polls) signals one rebuild loop; each rebuild
/// publishes a new <see cref="IProxyConfig"/> and fires the previous one's change token.
/// </summary>
public sealed class RegistryProxyConfigProvider : BackgroundService, IProxyConfigProvider
{
    private readonly RoutesSource _routes;
    private readonly IServiceRegistry _registry;
    private readonly GatewayOptions _options;
    private readonly ILogger<RegistryProxyConfigProvider> _logger;
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _firstBuild = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile GatewayProxyConfig _config = new([], [], 0);

    public RegistryProxyConfigProvider(RoutesSource routes, IServiceRegistry registry, IOptions<GatewayOptions> options, ILogger<RegistryProxyConfigProvider> logger)
    {
        _routes = routes;
        _registry = registry;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>True once routes and destinations were built at least once.</summary>
    public bool IsReady => _firstBuild.Task.IsCompleted;

    /// <summary>The config in force, with the registry instances it was built from.</summary>
    public GatewayProxyConfig Current => _config;

    public IProxyConfig GetConfig() => _config;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first routes and destinations are in place before the gateway takes traffic.
        await RebuildAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var routesChanged = ChangeToken.OnChange(_routes.GetChangeToken, Signal);
        using var registryChanged = ChangeToken.OnChange(_registry.GetChangeToken, Signal);
        Signal();
        await foreach (var _ in _signals.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RebuildAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Rebuilding the proxy configuration failed; the previous one stays in force");
            }
        }
    }

    private void Signal() => _signals.Writer.TryWrite(true);

    private async Task RebuildAsync(CancellationToken ct)
    {
        var snapshot = _routes.Current;
        var instances = new Dictionary<string, IReadOnlyList<RegistryEntry>>(StringComparer.Ordinal);
        foreach (var service in snapshot.Routes.Services)
        {
            instances[service] = await _registry.GetInstancesAsync(service, ct).ConfigureAwait(false);
        }
        var next = new GatewayProxyConfig(
            ProxyConfigFactory.Routes(snapshot, _options),
            ProxyConfigFactory.Clusters(snapshot, instances, _options),
            snapshot.Version)
        { Snapshot = snapshot, Instances = instances };
        var previous = _config;
        _config = next;
        previous.SignalChange();
        _firstBuild.TrySetResult();
        _logger.LogDebug("Proxy configuration rebuilt: {Routes} route(s), {Destinations} destination(s)",
            next.Routes.Count, next.Clusters.Sum(c => c.Destinations?.Count ?? 0));
    }

    private int _disposed;

    /// <summary>
    /// Idempotent: the container disposes this instance once per registration that hands it out (itself, as
    /// <see cref="IProxyConfigProvider"/> and as a hosted service).
    /// </summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _config.SignalChange();
        _config.Dispose();
        base.Dispose();
    }
}

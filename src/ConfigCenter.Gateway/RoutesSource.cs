using ConfigCenter.Client;
using ConfigCenter.Gateway.Routes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConfigCenter.Gateway;

/// <summary>
/// The routes namespace of the gateway's app, loaded through the client package as a configuration of its own (so
/// its keys never mix with the gateway's other settings), read with <see cref="RoutesReader"/> on every release.
/// A release the reader rejects is logged and the last good routes stay in force.
/// </summary>
public sealed class RoutesSource : IDisposable
{
    private readonly IConfigurationRoot _configuration;
    private readonly ILogger<RoutesSource> _logger;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    private CancellationTokenSource _changed = new();
    private RoutesSnapshot _current = RoutesSnapshot.Empty;

    public RoutesSource(IConfiguration hostConfiguration, IOptions<GatewayOptions> options, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger<RoutesSource>();
        var ns = options.Value.RoutesNamespace;
        _configuration = new ConfigurationBuilder()
            .AddConfigCenter(o =>
            {
                hostConfiguration.GetSection(ConfigCenterOptions.SectionName).Bind(o);
                o.Namespaces = [ns];
                o.LoggerFactory = loggerFactory;
                // The host's registration (or its own config source) already reports this process.
                o.Presence = false;
                if (o.CacheDirectory is { } cache) o.CacheDirectory = Path.Combine(cache, "routes");
            })
            .Build();
        Apply();
        _subscription = ChangeToken.OnChange(_configuration.GetReloadToken, Apply);
    }

    public RoutesSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The errors of the last release that was refused, or empty.</summary>
    public IReadOnlyList<RoutesError> LastErrors { get; private set; } = [];

    /// <summary>Fires when new routes are in force.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    private void Apply()
    {
        var items = _configuration.AsEnumerable().Where(kv => kv.Value is not null);
        var result = RoutesReader.Read(items);
        CancellationTokenSource previous;
        lock (_gate)
        {
            if (!result.IsValid)
            {
                LastErrors = result.Errors;
                _logger.LogError("The routes release was refused, the previous routes stay in force: {Errors}", string.Join("; ", result.Errors));
                return;
            }
            LastErrors = [];
            _current = new RoutesSnapshot(result.Routes!, _current.Version + 1);
            previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        }
        _logger.LogInformation("Routes applied: {Count} route(s)", result.Routes!.Routes.Count);
        previous.Cancel();
    }

    public void Dispose()
    {
        _subscription.Dispose();
        (_configuration as IDisposable)?.Dispose();
        _changed.Dispose();
    }
}

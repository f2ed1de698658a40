using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// Registers this process once the server listens, keeps the entry on an <see cref="EtcdLeaseKeeper"/> lease, re-puts it
/// when the application's health or applied config revisions change, and revokes the lease as the host starts
/// stopping, so the instance leaves discovery before it stops serving.
/// </summary>
internal sealed class ServiceRegistration : IHostedLifecycleService, IAsyncDisposable
{
    private readonly IOptions<ServiceRegistrationOptions> _options;
    private readonly RegistryEtcd _etcd;
    private readonly RegistrationEndpoint _endpoint;
    private readonly HealthCheckService? _health;
    private readonly IConfigCenterChanges? _changes;
    private readonly IConfiguration? _configuration;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private EtcdLeaseKeeper? _keeper;
    private IDisposable? _subscription;
    private Task _loop = Task.CompletedTask;

    public ServiceRegistration(IOptions<ServiceRegistrationOptions> options, RegistryEtcd etcd, RegistrationEndpoint endpoint,
        IServiceProvider services, ILogger<ServiceRegistration> logger)
    {
        _options = options;
        _etcd = etcd;
        _endpoint = endpoint;
        _health = services.GetService(typeof(HealthCheckService)) as HealthCheckService;
        _changes = ConfigRevisions.Find(services);
        _configuration = services.GetService(typeof(IConfiguration)) as IConfiguration;
        _logger = logger;
    }

    /// <summary>The entry as last put; null before the host started.</summary>
    public RegistryEntry? Entry { get; private set; }

    /// <summary>The etcd key of this instance; null before the host started.</summary>
    public string? Key { get; private set; }

    /// <summary>The lease keeper; null before the host started.</summary>
    public EtcdLeaseKeeper? Keeper => _keeper;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Reading the options runs their validation: bad settings stop start-up before anything reaches etcd.
        _ = _options.Value;
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        // Here every hosted service has started, the server included: its addresses are the ones it really listens on.
        var options = _options.Value;
        var entry = _endpoint.Describe(options) with
        {
            Health = await CheckHealthAsync(cancellationToken).ConfigureAwait(false),
            ConfigRevisions = ConfigRevisions.Of(_changes, _etcd.App, _etcd.Environment),
            RegisteredAt = _etcd.Settings.TimeProvider.GetUtcNow(),
        };
        Key = EtcdKeys.Instance(_etcd.Prefix, _etcd.Environment, entry.Service, entry.InstanceId);
        var keeper = new EtcdLeaseKeeper(_etcd.Connection, options.Ttl, _logger);
        keeper.LeaseGranted += OnLeaseGranted;
        keeper.LeaseLost += OnLeaseLost;
        _keeper = keeper;
        await PutAsync(entry, cancellationToken).ConfigureAwait(false);
        keeper.Start();
        if (options.Required) await WaitRegisteredAsync(keeper, options.StartupTimeout, cancellationToken).ConfigureAwait(false);
        _subscription = _changes?.Subscribe(_ => Signal());
        await FoldPresenceAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => FollowAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// The registration entry carries the applied revisions too: the config clients' presence entries would list this
    /// instance twice, so they go (registration wins).
    /// </summary>
    private async Task FoldPresenceAsync(CancellationToken ct)
    {
        if (_configuration is not IConfigurationRoot root) return;
        foreach (var provider in root.Providers.OfType<ConfigCenterConfigurationProvider>())
        {
            if (provider.Runtime?.Presence is { } presence) await presence.StopAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task WaitRegisteredAsync(EtcdLeaseKeeper keeper, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await keeper.WaitForLeaseAsync(ct).WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException(
                $"ConfigCenter registration is required but {Key} was not registered within {timeout.TotalSeconds:0.#} s: etcd ({string.Join(", ", _etcd.Connection.Endpoints)}) did not answer.", e);
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Before the server stops: revoking deletes the entry at once, so callers move elsewhere while we still answer.
        await _stop.CancelAsync().ConfigureAwait(false);
        _subscription?.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_keeper is { } keeper) await keeper.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Re-checks health every interval, and at once when a config release was applied; re-puts on a change.</summary>
    private async Task FollowAsync(CancellationToken ct)
    {
        var interval = _options.Value.HealthCheckInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(interval, ct).ConfigureAwait(false);
                var current = Entry!;
                var health = await CheckHealthAsync(ct).ConfigureAwait(false);
                var revisions = ConfigRevisions.Of(_changes, _etcd.App, _etcd.Environment);
                if (health == current.Health && ConfigRevisions.Same(revisions, current.ConfigRevisions)) continue;
                if (health != current.Health)
                {
                    _logger.LogInformation("Instance {Service}/{InstanceId} health {Old} → {New}", current.Service, current.InstanceId, current.Health, health);
                }
                await PutAsync(current with { Health = health, ConfigRevisions = revisions }, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The keeper puts the entry again on its next keep-alive; the next round retries health.
                _logger.LogWarning("Updating the registry entry {Key} failed: {Error}", Key, e.Message);
            }
        }
    }

    private async Task PutAsync(RegistryEntry entry, CancellationToken ct)
    {
        Entry = entry;
        var json = JsonSerializer.SerializeToUtf8Bytes(entry, ContractsJsonContext.Default.RegistryEntry);
        try
        {
            await _keeper!.PutAsync(Key!, Google.Protobuf.ByteString.CopyFrom(json), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && EtcdErrors.IsUnreachable(e))
        {
            _logger.LogWarning("etcd did not take the registry entry {Key} ({Error}); the lease keeper puts it again once etcd answers", Key, e.Message);
        }
    }

    private async Task<string> CheckHealthAsync(CancellationToken ct)
    {
        if (_health is null) return "passing";
        try
        {
            var report = await _health.CheckHealthAsync(ct).ConfigureAwait(false);
            return report.Status switch
            {
                HealthStatus.Healthy => "passing",
                HealthStatus.Degraded => "warning",
                _ => "critical",
            };
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning("The health checks failed to run ({Error}); registering as critical", e.Message);
            return "critical";
        }
    }

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    private void OnLeaseGranted(object? sender, EtcdLeaseEventArgs e)
    {
        if (e.PreviousLeaseId == 0)
        {
            _logger.LogInformation("Registered {Key} ({Scheme}://{Address}:{Port}) on lease {LeaseId}", Key, Entry?.Scheme, Entry?.Address, Entry?.Port, e.LeaseId);
        }
        else
        {
            _logger.LogWarning("Registered {Key} again on lease {LeaseId} after losing lease {Previous}", Key, e.LeaseId, e.PreviousLeaseId);
        }
    }

    private void OnLeaseLost(object? sender, EtcdLeaseEventArgs e) =>
        _logger.LogWarning("Registration {Key} lost its lease {LeaseId} ({Reason}); registering again as soon as etcd answers", Key, e.LeaseId, e.Reason);

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        _subscription?.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_keeper is not null) await _keeper.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }
}

using System.Globalization;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// Grants this process's lease as the host starts (in parallel with the server binding its addresses), registers once
/// the server listens — a single put on the lease already granted — keeps the entry on that <see cref="EtcdLeaseKeeper"/> lease, re-puts it
/// when the application's health, applied config revisions, weight or draining change, and revokes the lease as the host
/// starts stopping, so the instance leaves discovery before it stops serving. It watches its own key: weight and
/// draining an admin wrote are kept in every later put, and a key deleted by hand while the lease lives stays deleted.
/// </summary>
internal sealed partial class ServiceRegistration : IServiceRegistration, IHostedLifecycleService, IAsyncDisposable
{
    private const int RememberedPuts = 32;
    private readonly IOptionsMonitor<ServiceRegistrationOptions> _options;
    private readonly RegistryEtcd _etcd;
    private readonly RegistrationEndpoint _endpoint;
    private readonly HealthCheckService? _health;
    private readonly IConfigCenterChanges? _changes;
    private readonly IConfiguration? _configuration;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    // Serialises every put and state change, so what etcd holds is always the last state decided.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    // The values this process put, oldest first: a watch event carrying one of them is our own write coming back.
    private readonly LinkedList<ByteString> _ownPuts = new();
    private readonly Lock _state = new();
    private EtcdLeaseKeeper? _keeper;
    private IDisposable? _subscription;
    private IDisposable? _optionsSubscription;
    private Task _loop = Task.CompletedTask;
    private Task _watchLoop = Task.CompletedTask;
    private bool _draining;
    private int _weight;
    private (bool Draining, int Weight) _configured;
    private volatile bool _deregistered;

    public ServiceRegistration(IOptionsMonitor<ServiceRegistrationOptions> options, RegistryEtcd etcd, RegistrationEndpoint endpoint,
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

    public RegistryEntry? Current => Entry;

    public bool IsDeregistered => _deregistered;

    /// <summary>The etcd key of this instance; null before the host started.</summary>
    public string? Key { get; private set; }

    /// <summary>The lease keeper; null before the host started.</summary>
    public EtcdLeaseKeeper? Keeper => _keeper;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Reading the options runs their validation: bad settings stop start-up before anything reaches etcd.
        var options = _options.CurrentValue;
        lock (_state)
        {
            _configured = (options.Draining, options.Weight);
            (_draining, _weight) = _configured;
        }
        // Grant the lease now, before any hosted service starts (the server included): the grant — a raft write of its
        // own — runs while Kestrel binds, so once the server listens the registration is one put on a lease etcd
        // already holds, not a grant and then a put. The lease carries no key until then; if etcd does not answer, the
        // keeper keeps retrying and the registration waits for it (see StartedAsync).
        var keeper = new EtcdLeaseKeeper(_etcd.Connection, options.Ttl, _logger);
        keeper.LeaseGranted += OnLeaseGranted;
        keeper.LeaseLost += OnLeaseLost;
        _keeper = keeper;
        keeper.Start();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        // Here every hosted service has started, the server included: its addresses are the ones it really listens on.
        var options = _options.CurrentValue;
        var described = _endpoint.Describe(options) with
        {
            Health = await CheckHealthAsync(cancellationToken).ConfigureAwait(false),
            ConfigRevisions = ConfigRevisions.Of(_changes, _etcd.App, _etcd.Environment),
            RegisteredAt = _etcd.Settings.TimeProvider.GetUtcNow(),
        };
        Key = EtcdKeys.Instance(_etcd.Prefix, _etcd.Environment, described.Service, described.InstanceId);
        var keeper = _keeper ?? throw new InvalidOperationException("The registration was started without StartingAsync.");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Weight or draining set through IServiceRegistration before start win over the options. With the lease
            // granted (the usual case: it was asked for in StartingAsync) this is the registration's only etcd write;
            // while the grant is still under way the keeper puts the entry as soon as it holds the lease.
            await PutLockedAsync(WithState(described), cancellationToken).ConfigureAwait(false);
            if (keeper.LeaseId != 0 && !_deregistered) LogRegistered(keeper.LeaseId);
        }
        finally
        {
            _gate.Release();
        }
        if (options.Required) await WaitRegisteredAsync(keeper, options.StartupTimeout, cancellationToken).ConfigureAwait(false);
        _subscription = _changes?.Subscribe(_ => Signal());
        _optionsSubscription = _options.OnChange(OnOptionsChanged);
        await FoldPresenceAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => FollowAsync(_stop.Token), CancellationToken.None);
        StartObserving();
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
        _optionsSubscription?.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await StopObservingAsync().ConfigureAwait(false);
        if (_keeper is { } keeper) await keeper.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Re-checks health every interval, and at once when a config release was applied; re-puts on a change.</summary>
    private async Task FollowAsync(CancellationToken ct)
    {
        var interval = _options.CurrentValue.HealthCheckInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(interval, ct).ConfigureAwait(false);
                var health = await CheckHealthAsync(ct).ConfigureAwait(false);
                var revisions = ConfigRevisions.Of(_changes, _etcd.App, _etcd.Environment);
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    var current = Entry!;
                    if (health == current.Health && ConfigRevisions.Same(revisions, current.ConfigRevisions)) continue;
                    if (health != current.Health)
                    {
                        _logger.LogInformation("Instance {Service}/{InstanceId} health {Old} → {New}", current.Service, current.InstanceId, current.Health, health);
                    }
                    await PutLockedAsync(WithState(current with { Health = health, ConfigRevisions = revisions }), ct).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
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

    /// <summary>The entry with this process's current weight and draining. Call under the gate.</summary>
    private RegistryEntry WithState(RegistryEntry entry)
    {
        var metadata = new Dictionary<string, string>(entry.Metadata, StringComparer.Ordinal);
        lock (_state)
        {
            metadata[RegistryMetadata.Weight] = _weight.ToString(CultureInfo.InvariantCulture);
            if (_draining) metadata[RegistryMetadata.Draining] = "true";
            else metadata.Remove(RegistryMetadata.Draining);
        }
        return entry with { Metadata = metadata };
    }

    private static bool Same(RegistryEntry a, RegistryEntry b) => Serialize(a).Equals(Serialize(b));

    private static ByteString Serialize(RegistryEntry entry) =>
        ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(entry, ContractsJsonContext.Default.RegistryEntry));

    /// <summary>Puts <paramref name="entry"/> on the lease (not while deregistered by hand). Call under the gate.</summary>
    private async Task PutLockedAsync(RegistryEntry entry, CancellationToken ct)
    {
        Entry = entry;
        if (_deregistered)
        {
            _logger.LogInformation("Not registering {Key} again: it was deregistered by hand (restart the process or call IServiceRegistration.RegisterAgainAsync)", Key);
            return;
        }
        var json = Serialize(entry);
        lock (_ownPuts)
        {
            _ownPuts.AddLast(json);
            while (_ownPuts.Count > RememberedPuts) _ownPuts.RemoveFirst();
        }
        try
        {
            await _keeper!.PutAsync(Key!, json, ct).ConfigureAwait(false);
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

    private int _registeredLogged;

    /// <summary>Logs the first registration once, whichever put it (the start-up put or the keeper's, after a late grant).</summary>
    private void LogRegistered(long lease)
    {
        if (Interlocked.Exchange(ref _registeredLogged, 1) != 0) return;
        _logger.LogInformation("Registered {Key} ({Scheme}://{Address}:{Port}) on lease {LeaseId}", Key, Entry?.Scheme, Entry?.Address, Entry?.Port, lease);
    }

    private void OnLeaseGranted(object? sender, EtcdLeaseEventArgs e)
    {
        if (e.PreviousLeaseId == 0)
        {
            // Granted in StartingAsync, usually before the entry exists: the registration itself is logged by its put.
            if (Entry is null) _logger.LogDebug("Granted etcd lease {LeaseId} ahead of the registration", e.LeaseId);
            else if (!_deregistered) LogRegistered(e.LeaseId);
        }
        else if (!_deregistered)
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
        _optionsSubscription?.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await StopObservingAsync().ConfigureAwait(false);
        if (_keeper is not null) await _keeper.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
        _gate.Dispose();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Registry;

/// <summary>Weight and draining at run time: set by the application, by reloaded options, and registering again after a hand deregistration.</summary>
internal sealed partial class ServiceRegistration
{
    public Task SetDrainingAsync(bool draining, CancellationToken ct) => ChangeAsync(draining, null, "the application", ct);

    public Task SetWeightAsync(int weight, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        return ChangeAsync(null, weight, "the application", ct);
    }

    public async Task RegisterAgainAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_deregistered || Entry is not { } entry) return;
            _deregistered = false;
            _logger.LogWarning("Registering {Key} again after its hand deregistration, as the application asked", Key);
            await PutLockedAsync(WithState(entry) with { RegisteredAt = _etcd.Settings.TimeProvider.GetUtcNow() }, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets weight and/or draining and puts the entry when it changed (nothing is written while deregistered by hand).</summary>
    private async Task ChangeAsync(bool? draining, int? weight, string by, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_state)
            {
                if (draining is { } d) _draining = d;
                if (weight is { } w) _weight = w;
            }
            if (Entry is not { } entry) return;
            var next = WithState(entry);
            if (Same(next, entry)) return;
            _logger.LogInformation("{By} set {Key} draining={Draining} weight={Weight}", by, Key, next.Metadata.ContainsKey(RegistryMetadata.Draining), next.Metadata[RegistryMetadata.Weight]);
            await PutLockedAsync(next, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Options reloaded (e.g. a release published through ConfigCenter): weight and draining follow when their
    /// configured values changed; a reload that left them alone keeps what the app or an admin set since.
    /// </summary>
    private void OnOptionsChanged(ServiceRegistrationOptions options, string? name)
    {
        if (name is { Length: > 0 } && name != Options.DefaultName) return;
        bool? draining = null;
        int? weight = null;
        lock (_state)
        {
            if (options.Draining != _configured.Draining) draining = options.Draining;
            if (options.Weight != _configured.Weight) weight = options.Weight;
            _configured = (options.Draining, options.Weight);
        }
        if (draining is null && weight is null) return;
        _ = ApplyAsync();

        async Task ApplyAsync()
        {
            try
            {
                await ChangeAsync(draining, weight, "The ConfigCenter:Registration options", _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopping: the entry is about to go anyway.
            }
            catch (Exception e)
            {
                _logger.LogWarning("Registering the changed weight/draining of {Key} failed: {Error}; the lease keeper puts it again once etcd answers", Key, e.Message);
            }
        }
    }
}

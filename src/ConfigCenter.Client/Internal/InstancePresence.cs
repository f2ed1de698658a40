using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// The presence of a config client in the registry: an entry under <c>{prefix}/registry/{env}/{app}/{instanceId}</c>
/// on an <see cref="EtcdLeaseKeeper"/> lease, marked <c>presence=true</c> so discovery never returns it, carrying the
/// revisions applied so far. It makes an etcd-only client visible in the server's instances view, whichever replica
/// that is. <c>AddConfigCenterRegistration</c> stops it once the full registration (which carries the same revisions)
/// is in place, so an instance is never listed twice.
/// </summary>
internal sealed class InstancePresence : IAsyncDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private readonly EtcdLeaseKeeper _keeper;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private RegistryEntry _entry;
    private Task _writes = Task.CompletedTask;
    private bool _stopped;

    public InstancePresence(ConfigCenterOptions options, EtcdConnection connection, ClientInstanceInfo instance, string transports, ILogger logger)
    {
        _logger = logger;
        Key = EtcdKeys.Instance(EtcdKeys.NormalizePrefix(options.Etcd.Prefix), options.Environment, options.App, instance.InstanceId);
        _entry = new RegistryEntry
        {
            Service = options.App,
            InstanceId = instance.InstanceId,
            Address = instance.Host,
            Port = 0,
            RegisteredAt = options.TimeProvider.GetUtcNow(),
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [PresenceMetadata.Presence] = "true",
                [PresenceMetadata.App] = options.App,
                [PresenceMetadata.Transport] = transports,
                [PresenceMetadata.ProcessId] = instance.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [PresenceMetadata.ClientVersion] = instance.ClientVersion,
            },
        };
        _keeper = new EtcdLeaseKeeper(connection, Ttl, logger);
    }

    public string Key { get; }

    public void Start()
    {
        Write(_entry);
        _keeper.Start();
    }

    /// <summary>Re-puts the entry with the revisions of this round (in order: a later round never loses to an earlier one).</summary>
    public void OnApplied(ReleasesApplied applied)
    {
        var revisions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (ns, document) in applied.Current) revisions[ns] = document.Revision;
        Write(_entry with { ConfigRevisions = revisions });
    }

    private void Write(RegistryEntry entry)
    {
        lock (_gate)
        {
            if (_stopped) return;
            _entry = entry;
            var json = Google.Protobuf.ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(entry, ContractsJsonContext.Default.RegistryEntry));
            _writes = _writes.ContinueWith(async _ =>
            {
                try
                {
                    await _keeper.PutAsync(Key, json, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The keeper owns the value now and puts it again with its next lease.
                    _logger.LogDebug("Presence {Key} not written yet: {Error}", Key, e.Message);
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Revokes the lease: the presence entry disappears at once.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        Task writes;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            writes = _writes;
        }
        await writes.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _keeper.StopAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _logger.LogDebug("Revoking the presence lease of {Key} failed ({Error}); it expires by itself", Key, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await StopAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _keeper.DisposeAsync().ConfigureAwait(false);
    }
}

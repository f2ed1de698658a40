using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Instances;

/// <summary>
/// Writes a presence entry into the registry for each hub client of this replica that cannot write one itself (it
/// has no etcd access), on this replica's own lease: so every replica's instances view shows it. The entry goes when
/// the client disconnects, and with the lease when this replica stops or dies.
/// </summary>
internal sealed class HubPresenceWriter(InstanceTracker tracker, EtcdConnection etcd, IOptions<ConfigCenterServerOptions> options,
    ILogger<HubPresenceWriter> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EtcdLeaseKeeper? _keeper;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!etcd.Enabled) return Task.CompletedTask;
        _keeper = new EtcdLeaseKeeper(etcd, Ttl, logger);
        _keeper.Start();
        tracker.Changed += OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(string app, string env) => _ = SyncAsync(app, env);

    private async Task SyncAsync(string app, string env)
    {
        var keeper = _keeper;
        if (keeper is null) return;
        var prefix = EtcdKeys.NormalizePrefix(options.Value.Etcd.Prefix);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var (view, info) in tracker.Tracked(app, env))
            {
                if (info.WritesPresence) continue;
                var key = EtcdKeys.Instance(prefix, env, app, view.InstanceId);
                if (!view.Connected)
                {
                    if (keeper.Keys.ContainsKey(key)) await keeper.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }
                var entry = new RegistryEntry
                {
                    Service = app,
                    InstanceId = view.InstanceId,
                    Address = view.Host,
                    Port = 0,
                    RegisteredAt = view.LastSeen,
                    ConfigRevisions = view.Revisions,
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        [PresenceMetadata.Presence] = "true",
                        [PresenceMetadata.App] = app,
                        [PresenceMetadata.Transport] = view.Transport,
                        [PresenceMetadata.ProcessId] = view.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        [PresenceMetadata.ClientVersion] = view.ClientVersion,
                        [PresenceMetadata.WrittenBy] = Environment.MachineName,
                    },
                };
                var json = Google.Protobuf.ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(entry, ContractsJsonContext.Default.RegistryEntry));
                if (keeper.Keys.TryGetValue(key, out var current) && current.Equals(json)) continue;
                await keeper.PutAsync(key, json, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // The keeper owns the value and puts it again with its next lease.
            logger.LogWarning("Writing the presence of hub clients of {App}/{Env} failed: {Error}", app, env, e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        tracker.Changed -= OnChanged;
        if (_keeper is { } keeper) await keeper.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_keeper is not null) await _keeper.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

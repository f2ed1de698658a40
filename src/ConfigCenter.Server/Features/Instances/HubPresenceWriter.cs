using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
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
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    // The instances whose entry may be stale. One loop writes them, each once however often it changed meanwhile:
    // a change costs one entry, not a pass over every instance of its app (10,000 connecting clients were
    // 10,000 passes over up to 10,000 instances).
    private readonly ConcurrentDictionary<(string App, string Env, string InstanceId), byte> _dirty = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private EtcdLeaseKeeper? _keeper;
    private Task _loop = Task.CompletedTask;
    private long _synced;
    private int _disposed;

    /// <summary>How many instance entries the writer has examined (written, left as they were, or deleted).</summary>
    internal long Synced => Interlocked.Read(ref _synced);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!etcd.Enabled) return Task.CompletedTask;
        _keeper = new EtcdLeaseKeeper(etcd, Ttl, logger);
        _keeper.Start();
        tracker.InstanceChanged += OnChanged;
        _loop = Task.Run(() => WriteLoopAsync(_keeper, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private void OnChanged(string app, string env, string instanceId)
    {
        _dirty[(app, env, instanceId)] = 0;
        _wake.Writer.TryWrite(true);
    }

    private async Task WriteLoopAsync(EtcdLeaseKeeper keeper, CancellationToken ct)
    {
        var prefix = EtcdKeys.NormalizePrefix(options.Value.Etcd.Prefix);
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                foreach (var instance in _dirty.Keys)
                {
                    if (!_dirty.TryRemove(instance, out _)) continue;
                    try
                    {
                        await SyncAsync(keeper, prefix, instance, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        // Tried again after a pause (unless a newer change of it is queued already).
                        logger.LogWarning("Writing the presence of hub client {Instance} of {App}/{Env} failed: {Error}", instance.InstanceId, instance.App,
                            instance.Env, e.Message);
                        _dirty.TryAdd(instance, 0);
                        await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                        _wake.Writer.TryWrite(true);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SyncAsync(EtcdLeaseKeeper keeper, string prefix, (string App, string Env, string InstanceId) instance, CancellationToken ct)
    {
        Interlocked.Increment(ref _synced);
        var (app, env, instanceId) = instance;
        var key = EtcdKeys.Instance(prefix, env, app, instanceId);
        if (tracker.Find(app, env, instanceId) is not { } found || found.Info.WritesPresence) return;
        var view = found.View;
        if (!view.Connected)
        {
            if (keeper.Keys.ContainsKey(key)) await keeper.DeleteAsync(key, ct).ConfigureAwait(false);
            return;
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
        if (keeper.Keys.TryGetValue(key, out var current) && current.Equals(json)) return;
        await keeper.PutAsync(key, json, ct).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        tracker.InstanceChanged -= OnChanged;
        // Nothing started without etcd; a host may also stop it after disposing it.
        if (_keeper is null || Volatile.Read(ref _disposed) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_keeper is { } keeper) await keeper.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // The host disposes it both as a hosted service and as a singleton.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        tracker.InstanceChanged -= OnChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_keeper is not null) await _keeper.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

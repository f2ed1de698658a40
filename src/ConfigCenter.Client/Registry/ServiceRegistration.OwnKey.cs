using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// What the registration sees of its own key: a put it did not write (an admin's drain, through the server) is
/// adopted, so weight and draining survive every later put and a new lease; a delete while the key's lease is still
/// alive is a hand deregistration, and the instance stays out of the registry until it restarts or the application
/// calls <see cref="IServiceRegistration.RegisterAgainAsync"/>.
/// </summary>
internal sealed partial class ServiceRegistration
{
    // What the watch saw, in order: a value put by anyone, or null for a delete. Handled off the watch loop.
    private readonly Channel<(ByteString? Value, long Lease)> _seen = Channel.CreateUnbounded<(ByteString?, long)>(new UnboundedChannelOptions { SingleReader = true });
    private Task _seenLoop = Task.CompletedTask;
    // The lease the key was last seen on (0 before it was seen): a delete is by hand when that lease still lives.
    private long _keyLease;

    private void StartObserving()
    {
        var watch = new EtcdPrefixWatch(_etcd.Connection, Key!, new OwnKeyWatch(this), _logger);
        _watchLoop = Task.Run(() => watch.RunAsync(_stop.Token), CancellationToken.None);
        _seenLoop = Task.Run(() => ObserveAsync(_stop.Token), CancellationToken.None);
    }

    private async Task StopObservingAsync()
    {
        _seen.Writer.TryComplete();
        await _watchLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _seenLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ObserveAsync(CancellationToken ct)
    {
        await foreach (var (value, lease) in _seen.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                if (value is null) await OnDeletedAsync(lease, ct).ConfigureAwait(false);
                else await OnPutAsync(value, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Following a change of the registry entry {Key} failed: {Error}", Key, e.Message);
            }
        }
    }

    /// <summary>True (and forgotten, with every older one) when this process put <paramref name="value"/>.</summary>
    private bool IsOwnPut(ByteString value)
    {
        lock (_ownPuts)
        {
            for (var node = _ownPuts.First; node is not null; node = node.Next)
            {
                if (!node.Value.Equals(value)) continue;
                while (_ownPuts.First != node) _ownPuts.RemoveFirst();
                _ownPuts.RemoveFirst();
                return true;
            }
            return false;
        }
    }

    private async Task OnPutAsync(ByteString value, CancellationToken ct)
    {
        if (IsOwnPut(value)) return;
        RegistryEntry? written;
        try
        {
            written = JsonSerializer.Deserialize(value.Span, ContractsJsonContext.Default.RegistryEntry);
        }
        catch (JsonException e)
        {
            _logger.LogWarning("The registry entry {Key} was overwritten with something that is not an entry ({Error}); the next put replaces it", Key, e.Message);
            return;
        }
        if (written is null) return;
        var draining = written.Metadata.TryGetValue(RegistryMetadata.Draining, out var d) && string.Equals(d, "true", StringComparison.OrdinalIgnoreCase);
        int? weight = written.Metadata.TryGetValue(RegistryMetadata.Weight, out var w) && int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
            ? parsed : null;
        lock (_state)
        {
            if (draining == _draining && (weight is null || weight == _weight)) return;
        }
        _logger.LogWarning("The registry entry {Key} was changed from outside this process (draining={Draining}, weight={Weight}); keeping that in every later put",
            Key, draining, weight);
        await ChangeAsync(draining, weight, "An admin", ct).ConfigureAwait(false);
    }

    private async Task OnDeletedAsync(long lease, CancellationToken ct)
    {
        if (ct.IsCancellationRequested || _deregistered || lease == 0 || _keeper is not { } keeper) return;
        long ttl;
        try
        {
            ttl = await _etcd.Connection.LeaseTimeToLiveAsync(lease, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && EtcdErrors.IsUnreachable(e))
        {
            // etcd is away: the lease keeper handles the loss and puts the key again.
            _logger.LogInformation("The registry entry {Key} is gone and etcd did not say whether lease {LeaseId} lives ({Error}); leaving it to the lease keeper", Key, lease, e.Message);
            return;
        }
        // The lease ran out (or was replaced): the keeper registers again on a new lease, as after any lease loss.
        if (ttl <= 0) return;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_deregistered) return;
            _deregistered = true;
            _logger.LogWarning(
                "The registry entry {Key} was deleted by hand while its lease {LeaseId} is alive: the instance stays deregistered (out of discovery) until the process restarts or the application calls IServiceRegistration.RegisterAgainAsync",
                Key, lease);
            // Stop owning the key: neither a health change nor a new lease puts it back. Deleting again also removes a
            // put of ours that raced with the admin's delete.
            await keeper.DeleteAsync(Key!, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forwards the watch of this instance's key (and of nothing else that shares its prefix) to the registration.</summary>
    private sealed class OwnKeyWatch(ServiceRegistration registration) : IEtcdWatchHandler
    {
        private readonly ByteString _key = EtcdRanges.Key(registration.Key!);

        public void OnSnapshot(IReadOnlyList<KeyValue> kvs, long revision)
        {
            var own = kvs.FirstOrDefault(kv => kv.Key.Equals(_key));
            if (own is not null) Put(own);
            else if (Volatile.Read(ref registration._keyLease) != 0) Deleted();
        }

        public void OnEvents(IReadOnlyList<Event> events)
        {
            foreach (var e in events)
            {
                if (!e.Kv.Key.Equals(_key)) continue;
                if (e.Type == Event.Types.EventType.Put) Put(e.Kv);
                else Deleted();
            }
        }

        public void OnConnected(string endpoint)
        {
        }

        public void OnDisconnected(string endpoint, string reason)
        {
        }

        private void Put(KeyValue kv)
        {
            Volatile.Write(ref registration._keyLease, kv.Lease);
            registration._seen.Writer.TryWrite((kv.Value, kv.Lease));
        }

        private void Deleted()
        {
            var lease = Interlocked.Exchange(ref registration._keyLease, 0);
            registration._seen.Writer.TryWrite((null, lease));
        }
    }
}

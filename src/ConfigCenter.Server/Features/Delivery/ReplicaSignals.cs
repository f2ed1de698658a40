using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>
/// What replicas on PostgreSQL tell each other that etcd does not carry: a release was committed (wake the relay, which
/// may lead on another replica) and a draft changed (open editors on every replica show the edit and its author, and
/// detect the conflict), the relay delivered (status banners refresh), and API keys or users/roles changed (each replica keeps them in memory and reloads). Carried by PostgreSQL LISTEN/NOTIFY on the store all replicas already share: a notification is
/// delivered to every listening session, and none to a replica that is down, which re-reads on reconnect anyway
/// (the relay re-checks the outbox, editors reload on their next save). On SQLite there is one server and this does nothing.
/// </summary>
internal sealed class ReplicaSignals(
    IOptions<ConfigCenterServerOptions> options,
    ReplicaIdentity replica,
    OutboxSignal outbox,
    DeliveryStatus delivery,
    DraftNotifier drafts,
    ApiKeys.ApiKeyStore keys,
    Auth.AccessDirectory access,
    Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ConfigCenterDbContext> dbFactory,
    ILogger<ReplicaSignals> logger) : BackgroundService
{
    public const string Channel = "configcenter_replicas";
    private const string OutboxTopic = "outbox";
    private const string DraftTopic = "draft";
    private const string KeysTopic = "keys";
    private const string AccessTopic = "access";
    private const string DeliveredTopic = "delivered";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Set when the listener is subscribed (tests wait for it before publishing).</summary>
    public bool Listening { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Store.IsPostgres) return;
        outbox.Committed += OnCommitted;
        delivery.DeliveredHere += OnDelivered;
        drafts.ChangedHere += OnDraftChanged;
        keys.ChangedHere += OnKeysChanged;
        access.ChangedHere += OnAccessChanged;
        try
        {
            await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
        }
        finally
        {
            outbox.Committed -= OnCommitted;
            delivery.DeliveredHere -= OnDelivered;
            drafts.ChangedHere -= OnDraftChanged;
            keys.ChangedHere -= OnKeysChanged;
            access.ChangedHere -= OnAccessChanged;
        }
    }

    private void OnCommitted() => Enqueue(OutboxTopic, "");

    // The relay leads on one replica; the others' status banners would otherwise show the delivered rows as waiting
    // until their next periodic refresh.
    private void OnDelivered() => Enqueue(DeliveredTopic, "");

    private void OnDraftChanged(DraftChanged changed) => Enqueue(DraftTopic, JsonSerializer.Serialize(changed));

    private void OnKeysChanged() => Enqueue(KeysTopic, "");

    private void OnAccessChanged() => Enqueue(AccessTopic, "");

    private void Enqueue(string topic, string payload) => _outgoing.Writer.TryWrite($"{replica.Id}|{topic}|{payload}");

    private async Task SendAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        await using var source = NpgsqlDataSource.Create(options.Value.Store.ConnectionString!);
        while (!ct.IsCancellationRequested)
        {
            string message;
            try
            {
                message = await _outgoing.Reader.ReadAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            for (var sent = false; !sent && !ct.IsCancellationRequested;)
            {
                try
                {
                    await using var command = source.CreateCommand("SELECT pg_notify(@channel, @message)");
                    command.Parameters.AddWithValue("channel", Channel);
                    command.Parameters.AddWithValue("message", message);
                    await command.ExecuteNonQueryAsync(ct);
                    sent = true;
                    backoff = TimeSpan.FromMilliseconds(100);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    logger.LogWarning("Could not notify the other replicas, retrying in {Delay} ms: {Error}", (int)backoff.TotalMilliseconds, e.Message);
                    await Task.Delay(backoff, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.Value.Store.ConnectionString);
                await connection.OpenAsync(ct);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                Listening = true;
                backoff = TimeSpan.FromMilliseconds(100);
                // Whatever was committed elsewhere while this replica was not listening: let the relay look.
                outbox.WakeLocal();
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                Listening = false;
                logger.LogWarning("Listening for other replicas failed, reconnecting in {Delay} ms: {Error}", (int)backoff.TotalMilliseconds, e.Message);
                await Task.Delay(backoff, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>Runs a reload off the notification thread (which must keep reading); a failure is logged, and the next change reloads again.</summary>
    private async Task ReloadAsync(string what, Func<CancellationToken, Task> reload)
    {
        try
        {
            await Task.Yield();
            await reload(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Reloading {What} after another replica changed them failed", what);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var parts = e.Payload.Split('|', 3);
        if (parts.Length != 3 || parts[0] == replica.Id) return;
        switch (parts[1])
        {
            case OutboxTopic:
                outbox.WakeLocal();
                break;
            case DeliveredTopic:
                delivery.OutboxChanged();
                break;
            case DraftTopic when JsonSerializer.Deserialize<DraftChanged>(parts[2]) is { } changed:
                drafts.ChangedOnAnotherReplica(changed);
                break;
            case KeysTopic:
                _ = ReloadAsync("API keys", async ct =>
                {
                    await using var db = await dbFactory.CreateDbContextAsync(ct);
                    await keys.ReloadAsync(db, ct);
                });
                break;
            case AccessTopic:
                _ = ReloadAsync("users and roles", access.ReloadFromStoreAsync);
                break;
            default:
                logger.LogDebug("Ignored replica notification {Topic}", parts[1]);
                break;
        }
    }
}

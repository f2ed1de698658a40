using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Status;

/// <summary>Mode, etcd reachability and members, and the outbox backlog.</summary>
public sealed class ServerStatusService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    EtcdConnection etcd,
    DeliveryStatus delivery,
    ReleaseCache cache,
    IOptions<ConfigCenterServerOptions> options,
    ReplicaIdentity replica,
    TimeProvider time)
{
    /// <summary>An outbox row older than this means delivery is stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(60);

    private const int MaxParkedShown = 20;

    public async Task<ServerStatus> GetAsync(bool probeEtcd, CancellationToken ct)
    {
        var outbox = await OutboxAsync(ct);
        EtcdStatus? etcdStatus = null;
        if (!options.Value.Standalone)
        {
            IReadOnlyList<string> members = [];
            string? error = null;
            var reachable = delivery.EtcdReachable ?? false;
            if (probeEtcd)
            {
                try
                {
                    var list = await etcd.MemberListAsync(TimeSpan.FromSeconds(2), ct);
                    members = [.. list.Members.Select(m => $"{m.Name} {string.Join(' ', m.ClientURLs)}")];
                    reachable = true;
                }
                catch (Grpc.Core.RpcException e)
                {
                    reachable = false;
                    error = e.Status.Detail;
                }
            }
            etcdStatus = new EtcdStatus(etcd.Endpoints, etcd.CurrentEndpoint, reachable, members, error ?? delivery.LastError);
        }
        var replicaStatus = new ReplicaStatus(replica.Id, options.Value.Store.IsPostgres ? "postgres" : "sqlite", delivery.Relaying, delivery.RelayFencingToken);
        return new ServerStatus(options.Value.Standalone ? "standalone" : "etcd", etcdStatus, outbox, cache.Count, replicaStatus);
    }

    public async Task<OutboxStatus> OutboxAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.Outbox.Where(o => o.DeliveredAt == null && o.ParkedAt == null).CountAsync(ct);
        var oldest = pending == 0 ? (DateTimeOffset?)null
            : await db.Outbox.Where(o => o.DeliveredAt == null && o.ParkedAt == null).OrderBy(o => o.Id).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefaultAsync(ct);
        var age = oldest is { } at ? (time.GetUtcNow() - at).TotalSeconds : (double?)null;
        var parked = await db.Outbox.AsNoTracking().Where(o => o.ParkedAt != null).OrderBy(o => o.Id).Take(MaxParkedShown)
            .Select(o => new ParkedRelease(o.Id, o.EtcdKey, o.Revision, o.Document.Length, o.LastError ?? "", o.ParkedAt!.Value, o.CreatedAt))
            .ToListAsync(ct);
        var parkedCount = parked.Count < MaxParkedShown ? parked.Count : await db.Outbox.CountAsync(o => o.ParkedAt != null, ct);
        return new OutboxStatus(pending, oldest, age, delivery.LastError, delivery.LastErrorAt, delivery.LastDeliveredAt, parkedCount, parked);
    }
}

public sealed record ServerStatus(string Mode, EtcdStatus? Etcd, OutboxStatus Outbox, int PublishedNamespaces, ReplicaStatus? Replica = null);

/// <summary>This replica: its id, the store, and whether it relays the outbox now (with its leadership's fencing token).</summary>
public sealed record ReplicaStatus(string Id, string Store, bool Relaying, long? RelayFencingToken);

public sealed record EtcdStatus(IReadOnlyList<string> Endpoints, string CurrentEndpoint, bool Reachable, IReadOnlyList<string> Members, string? LastError);

/// <summary>The outbox: rows waiting for delivery, and rows parked because etcd refused them for good (the first 20 of those listed).</summary>
public sealed record OutboxStatus(int Pending, DateTimeOffset? OldestPendingAt, double? OldestPendingAgeSeconds, string? LastError,
    DateTimeOffset? LastErrorAt, DateTimeOffset? LastDeliveredAt, int Parked = 0, IReadOnlyList<ParkedRelease>? ParkedReleases = null);

using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Hosting;
using ConfigCenter.Etcd;
using ConfigCenter.Storage;
using Etcdserverpb;
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
    TimeProvider time)
{
    /// <summary>An outbox row older than this means delivery is stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(60);

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
                    var list = await etcd.CallAsync((invoker, o) => new Cluster.ClusterClient(invoker).MemberListAsync(new MemberListRequest(),
                        o.WithDeadline(DateTime.UtcNow.AddSeconds(2))).ResponseAsync, ct);
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
        return new ServerStatus(options.Value.Standalone ? "standalone" : "etcd", etcdStatus, outbox, cache.Count);
    }

    public async Task<OutboxStatus> OutboxAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.Outbox.Where(o => o.DeliveredAt == null).CountAsync(ct);
        var oldest = pending == 0 ? (DateTimeOffset?)null
            : await db.Outbox.Where(o => o.DeliveredAt == null).OrderBy(o => o.Id).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefaultAsync(ct);
        var age = oldest is { } at ? (time.GetUtcNow() - at).TotalSeconds : (double?)null;
        return new OutboxStatus(pending, oldest, age, delivery.LastError, delivery.LastErrorAt, delivery.LastDeliveredAt);
    }
}

public sealed record ServerStatus(string Mode, EtcdStatus? Etcd, OutboxStatus Outbox, int PublishedNamespaces);

public sealed record EtcdStatus(IReadOnlyList<string> Endpoints, string CurrentEndpoint, bool Reachable, IReadOnlyList<string> Members, string? LastError);

public sealed record OutboxStatus(int Pending, DateTimeOffset? OldestPendingAt, double? OldestPendingAgeSeconds, string? LastError,
    DateTimeOffset? LastErrorAt, DateTimeOffset? LastDeliveredAt);

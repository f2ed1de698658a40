using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Etcdserverpb;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Registry;

/// <summary>
/// Admin actions on a registered instance, each audited: drain (the entry stays, on its own lease, marked
/// <c>draining=true</c>, so discovery stops returning it) and deregister (the entry is deleted).
/// </summary>
internal sealed class RegistryAdmin(EtcdConnection etcd, IOptions<ConfigCenterServerOptions> options, IDbContextFactory<ConfigCenterDbContext> dbFactory,
    TimeProvider time, ILogger<RegistryAdmin> logger)
{
    /// <summary>Marks the instance draining; false when it is not registered.</summary>
    public async Task<bool> DrainAsync(string env, string service, string instanceId, string user, CancellationToken ct)
    {
        var key = Key(env, service, instanceId);
        var range = await etcd.GetAsync(key, ct);
        if (range.Kvs.Count == 0) return false;
        var kv = range.Kvs[0];
        var entry = JsonSerializer.Deserialize(kv.Value.Span, ContractsJsonContext.Default.RegistryEntry)!;
        var metadata = new Dictionary<string, string>(entry.Metadata, StringComparer.Ordinal) { [PresenceMetadata.Draining] = "true" };
        var json = Google.Protobuf.ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(entry with { Metadata = metadata }, ContractsJsonContext.Default.RegistryEntry));
        // Only the version read is changed, and on the instance's own lease (IgnoreLease), so it still vanishes with it.
        var txn = new TxnRequest();
        txn.Compare.Add(EtcdKv.ModRevisionEquals(kv.Key, kv.ModRevision));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = kv.Key, Value = json, IgnoreLease = true } });
        var result = await etcd.TxnAsync(txn, ct);
        if (!result.Succeeded) return await DrainAsync(env, service, instanceId, user, ct);
        await AuditAsync(user, "registry.drain", key, new { entry.Metadata }, new { Metadata = metadata }, ct);
        logger.LogInformation("{User} drained {Key}", user, key);
        return true;
    }

    /// <summary>Deletes the instance's entry; false when it was not registered.</summary>
    public async Task<bool> DeregisterAsync(string env, string service, string instanceId, string user, CancellationToken ct)
    {
        var key = Key(env, service, instanceId);
        // Read for the audit entry's "before"; the delete below decides whether there was anything to deregister.
        var range = await etcd.GetAsync(key, ct);
        var before = range.Kvs.Count == 0 ? null : JsonSerializer.Deserialize(range.Kvs[0].Value.Span, ContractsJsonContext.Default.RegistryEntry);
        var deleted = await etcd.DeleteAsync(key, ct);
        if (deleted.Deleted == 0) return false;
        await AuditAsync(user, "registry.deregister", key, before, null, ct);
        logger.LogInformation("{User} deregistered {Key}", user, key);
        return true;
    }

    private string Key(string env, string service, string instanceId) =>
        EtcdKeys.Instance(EtcdKeys.NormalizePrefix(options.Value.Etcd.Prefix), env, service, instanceId);

    private async Task AuditAsync(string user, string action, string key, object? before, object? after, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        AuditLog.Record(db, time.GetUtcNow(), user, action, key, before: before, after: after);
        await db.SaveChangesAsync(ct);
    }
}

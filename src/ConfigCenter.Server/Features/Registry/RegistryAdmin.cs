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
/// <c>draining=true</c>, so discovery stops returning it), resume (the mark goes) and deregister (the entry is deleted).
/// </summary>
internal sealed class RegistryAdmin(EtcdConnection etcd, IOptions<ConfigCenterServerOptions> options, IDbContextFactory<ConfigCenterDbContext> dbFactory,
    TimeProvider time, ILogger<RegistryAdmin> logger)
{
    /// <summary>False in standalone mode: without etcd there is no registry, so nothing can be drained or deregistered.</summary>
    public bool Enabled => etcd.Enabled;

    /// <summary>How many times a drain re-reads the entry when its guarded write lost to a concurrent one.</summary>
    public const int GuardAttempts = 5;

    /// <summary>Runs between reading the entry and the guarded write; tests use it to make the guard lose.</summary>
    internal Func<CancellationToken, Task>? BeforeGuardedWrite { get; set; }

    /// <summary>
    /// Marks the instance draining (or, with <paramref name="draining"/> false, puts it back in rotation). The instance
    /// keeps what an admin set in its later puts. <see cref="RegistryAdminResult.Conflict"/> when the entry changed
    /// under every one of <see cref="GuardAttempts"/> guarded writes.
    /// </summary>
    public async Task<RegistryAdminResult> DrainAsync(string env, string service, string instanceId, string user, CancellationToken ct, bool draining = true)
    {
        var key = Key(env, service, instanceId);
        for (var attempt = 1; attempt <= GuardAttempts; attempt++)
        {
            var range = await etcd.GetAsync(key, ct);
            if (range.Kvs.Count == 0) return RegistryAdminResult.NotRegistered;
            var kv = range.Kvs[0];
            var entry = JsonSerializer.Deserialize(kv.Value.Span, ContractsJsonContext.Default.RegistryEntry)!;
            var metadata = new Dictionary<string, string>(entry.Metadata, StringComparer.Ordinal);
            if (draining) metadata[PresenceMetadata.Draining] = "true";
            else metadata.Remove(PresenceMetadata.Draining);
            var json = Google.Protobuf.ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(entry with { Metadata = metadata }, ContractsJsonContext.Default.RegistryEntry));
            if (BeforeGuardedWrite is { } hook) await hook(ct);
            // Only the version read is changed, and on the instance's own lease (IgnoreLease), so it still vanishes with it.
            var txn = new TxnRequest();
            txn.Compare.Add(EtcdKv.ModRevisionEquals(kv.Key, kv.ModRevision));
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = kv.Key, Value = json, IgnoreLease = true } });
            var result = await etcd.TxnAsync(txn, ct);
            if (!result.Succeeded)
            {
                logger.LogInformation("{Key} changed while {User} was {Action} it (attempt {Attempt} of {Attempts})", key, user, draining ? "draining" : "resuming", attempt, GuardAttempts);
                continue;
            }
            var action = draining ? "registry.drain" : "registry.resume";
            await AuditAsync(user, action, key, new { entry.Metadata }, new { Metadata = metadata }, ct);
            logger.LogInformation("{User} {Action} {Key}", user, draining ? "drained" : "resumed", key);
            return RegistryAdminResult.Done;
        }
        logger.LogWarning("{User} could not {Action} {Key}: it changed under each of {Attempts} guarded writes", user, draining ? "drain" : "resume", key, GuardAttempts);
        return RegistryAdminResult.Conflict;
    }

    /// <summary>
    /// Deletes the instance's entry; false when it was not registered. The instance sees its key deleted while its
    /// lease lives and stays deregistered until it restarts or re-registers explicitly.
    /// </summary>
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

/// <summary>The outcome of an admin action on a registered instance.</summary>
internal enum RegistryAdminResult
{
    /// <summary>Written (and audited).</summary>
    Done,

    /// <summary>The instance is not registered.</summary>
    NotRegistered,

    /// <summary>The entry kept changing under the guarded write; nothing was written.</summary>
    Conflict,
}

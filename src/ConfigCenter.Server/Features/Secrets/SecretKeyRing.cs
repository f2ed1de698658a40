using System.Collections.Concurrent;
using System.Security.Cryptography;
using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Secrets;

/// <summary>An environment key in clear, in memory only.</summary>
public sealed record EnvironmentKey(string KeyId, byte[] Key);

/// <summary>
/// The per-environment AES-256 keys that seal secret values (see <see cref="SecretEnvelope"/>). A key is generated the first
/// time an environment needs one and stored protected by the server's Data Protection key ring; a rotation retires the
/// current key (kept, so older releases still open on the server) and re-seals every draft's secrets with the new one.
/// The current key id is read from the database on every call, so a rotation on another replica is seen at once.
/// </summary>
public sealed class SecretKeyRing(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    IDataProtectionProvider dataProtection,
    TimeProvider time)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("ConfigCenter.Secrets.EnvironmentKey.v1");
    private readonly ConcurrentDictionary<(string Env, string KeyId), byte[]> _opened = new();

    /// <summary>The environment's current key, generated on first use.</summary>
    public async Task<EnvironmentKey> CurrentAsync(string env, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateOpenedAsync(ct);
            if (await db.EnvironmentSecretKeys.AsNoTracking().FirstOrDefaultAsync(k => k.EnvironmentId == env && k.RetiredAt == null, ct) is { } row)
                return Open(row);
            if (!await db.Environments.AnyAsync(e => e.Id == env, ct)) throw ConfigCenterException.NotFound($"Environment '{env}' does not exist.");
            var (entity, key) = NewKey(env);
            db.EnvironmentSecretKeys.Add(entity);
            try
            {
                using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
                return key;
            }
            catch (Exception e) when (WriteRaces.IsRace(e) && attempt < WriteRaces.MaxAttempts)
            {
                // Another request created the first key at the same moment; use theirs.
                await WriteRaces.BackoffAsync(attempt);
            }
        }
    }

    /// <summary>Every key of the environment (current and retired) by key id, for opening envelopes.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> AllAsync(string env, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var rows = await db.EnvironmentSecretKeys.AsNoTracking().Where(k => k.EnvironmentId == env).ToListAsync(ct);
        return rows.ToDictionary(r => r.KeyId, r => Open(r).Key, StringComparer.Ordinal);
    }

    /// <summary>The current key and the retired ones, for an admin deploying clients; audited as <c>secret.key.read</c>.</summary>
    public async Task<EnvironmentKeysView> ExportAsync(string env, string user, CancellationToken ct)
    {
        var current = await CurrentAsync(env, ct);
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var retired = await db.EnvironmentSecretKeys.AsNoTracking().Where(k => k.EnvironmentId == env && k.RetiredAt != null).ToListAsync(ct);
        AuditLog.Record(db, time.GetUtcNow(), user, "secret.key.read", env, $"key {current.KeyId}");
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        return new EnvironmentKeysView(env, current.KeyId, Convert.ToBase64String(current.Key),
            [.. retired.OrderByDescending(r => r.CreatedAt).Select(r => new RetiredKeyView(r.KeyId, Convert.ToBase64String(Open(r).Key), r.RetiredAt!.Value))]);
    }

    /// <summary>
    /// Replaces the environment's current key: the old one is retired (kept for reading), and every draft's secret values in the
    /// environment are re-sealed with the new key in the same transaction. Releases keep their envelopes until the next publish.
    /// </summary>
    public async Task<EnvironmentKey> RotateAsync(string env, string user, CancellationToken ct)
    {
        var old = await CurrentAsync(env, ct);
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var row = await db.EnvironmentSecretKeys.FirstAsync(k => k.EnvironmentId == env && k.KeyId == old.KeyId, ct);
        if (row.RetiredAt is not null) throw ConfigCenterException.Conflict($"The key of '{env}' was rotated by someone else just now; reload and try again.");
        var now = time.GetUtcNow();
        row.RetiredAt = now;
        var (entity, key) = NewKey(env);
        entity.CreatedAt = now;
        var secrets = await db.DraftItems.Where(i => i.IsSecret)
            .Join(db.Drafts.Where(d => d.EnvironmentId == env), i => i.DraftId, d => d.Id, (i, d) => new { Item = i, Draft = d })
            .ToListAsync(ct);
        var keys = await AllAsync(env, ct);
        foreach (var s in secrets)
        {
            if (s.Item.Value is null) continue;
            if (!SecretEnvelope.TryOpen(keys, s.Draft.AppId, env, s.Draft.Namespace, s.Item.Key, s.Item.Value, out var plain, out var error))
                throw new InvalidOperationException($"Cannot re-seal {s.Draft.AppId}/{env}/{s.Draft.Namespace}/{s.Item.Key}: {error}.");
            s.Item.Value = SecretEnvelope.Seal(key.Key, s.Draft.AppId, env, s.Draft.Namespace, s.Item.Key, plain);
        }
        AuditLog.Record(db, now, user, "secret.key.rotate", env, $"{old.KeyId} -> {key.KeyId}; {secrets.Count} draft secrets re-sealed",
            before: new { old.KeyId }, after: new { key.KeyId });
        using (await writeGate.EnterAsync(ct))
        {
            // Retire first: the filtered unique index allows one current key per environment.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            db.EnvironmentSecretKeys.Add(entity);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        return key;
    }

    private (EnvironmentSecretKeyEntity Entity, EnvironmentKey Key) NewKey(string env)
    {
        var bytes = RandomNumberGenerator.GetBytes(SecretEnvelope.KeyLength);
        var keyId = SecretEnvelope.KeyIdOf(bytes);
        _opened[(env, keyId)] = bytes;
        return (new EnvironmentSecretKeyEntity
        {
            EnvironmentId = env,
            KeyId = keyId,
            ProtectedKey = Convert.ToBase64String(_protector.Protect(bytes)),
            CreatedAt = time.GetUtcNow(),
        }, new EnvironmentKey(keyId, bytes));
    }

    private EnvironmentKey Open(EnvironmentSecretKeyEntity row) =>
        new(row.KeyId, _opened.GetOrAdd((row.EnvironmentId, row.KeyId), _ => _protector.Unprotect(Convert.FromBase64String(row.ProtectedKey))));
}

/// <summary>The answer of <c>GET /api/v1/environments/{env}/secret-key</c>: base64 keys for <c>ConfigCenter:SecretKeys</c>.</summary>
public sealed record EnvironmentKeysView(string Environment, string KeyId, string Key, IReadOnlyList<RetiredKeyView> Retired);

/// <summary>A retired key, still able to open releases published before the rotation.</summary>
public sealed record RetiredKeyView(string KeyId, string Key, DateTimeOffset RetiredAt);

using System.Security.Cryptography;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Issues, lists, rotates and revokes client API keys; a key is shown once and only its HMAC is stored.</summary>
public sealed class ApiKeyService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    ApiKeyStore store,
    TimeProvider time)
{
    public const string KeyPrefix = "cck_";
    /// <summary>The longest overlap a rotation may leave the old key valid for.</summary>
    public const int MaxGraceMinutes = 7 * 24 * 60;

    public async Task<CreatedApiKey> CreateAsync(string app, string env, string? name, string user, CancellationToken ct)
    {
        if (Core.FieldLimits.Check(name, "name", "The key name", Core.FieldLimits.MaxApiKeyName) is { } error) throw ConfigCenterException.Invalid(error);
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        await NamespaceLookup.RequireEnvironmentAsync(db, env, ct);
        var (key, entity) = NewKey(app, env, string.IsNullOrWhiteSpace(name) ? $"{app}-{env}" : name.Trim(), user);
        db.ApiKeys.Add(entity);
        // The key's prefix identifies it in lists; the secret itself never reaches the audit trail.
        AuditLog.Record(db, entity.CreatedAt, user, "apikey.create", $"{app}/{env}", entity.Name, after: new { entity.Name, entity.KeyPrefix });
        await db.SaveChangesAsync(ct);
        store.Add(entity.KeyHash, new ApiKeyScope(entity.Id, app, env, entity.Name));
        return new CreatedApiKey(entity.Id, key, entity.Name);
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string app, string env, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.AppId == app && k.EnvironmentId == env && k.RevokedAt == null)
            .OrderBy(k => k.Id).ToListAsync(ct);
        var now = time.GetUtcNow();
        return [.. keys.Where(k => !(k.ExpiresAt <= now)).Select(k => new ApiKeyView(k.Id, k.Name, k.KeyPrefix, k.CreatedAt, k.CreatedBy,
            Later(k.LastUsedAt, store.PendingLastUse(k.Id)), k.ExpiresAt))];
    }

    /// <summary>
    /// Issues a new secret for the key's app, environment and name. The old key stops at once (<paramref name="graceMinutes"/>
    /// null or 0) or keeps working for that many minutes, so running instances can be redeployed with the new key first.
    /// </summary>
    public async Task<CreatedApiKey> RotateAsync(string app, string env, int id, int? graceMinutes, string user, CancellationToken ct)
    {
        if (graceMinutes is < 0 or > MaxGraceMinutes) throw ConfigCenterException.Invalid("graceMinutes", $"The grace period is 0 to {MaxGraceMinutes} minutes.");
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var old = await RequireLiveAsync(db, app, env, id, ct);
        var now = time.GetUtcNow();
        var (key, entity) = NewKey(app, env, old.Name, user);
        db.ApiKeys.Add(entity);
        var grace = graceMinutes ?? 0;
        if (grace == 0) old.RevokedAt = now;
        else old.ExpiresAt = now.AddMinutes(grace);
        AuditLog.Record(db, now, user, "apikey.rotate", $"{app}/{env}", $"{old.Name} ({old.KeyPrefix}… → {entity.KeyPrefix}…), grace {grace} min");
        await db.SaveChangesAsync(ct);
        store.Add(entity.KeyHash, new ApiKeyScope(entity.Id, app, env, entity.Name));
        if (grace == 0) store.Remove(old.Id);
        else store.Expire(old.Id, old.ExpiresAt!.Value);
        return new CreatedApiKey(entity.Id, key, entity.Name);
    }

    public async Task RevokeAsync(string app, string env, int id, string user, CancellationToken ct)
    {
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await RequireLiveAsync(db, app, env, id, ct);
        key.RevokedAt = time.GetUtcNow();
        AuditLog.Record(db, key.RevokedAt.Value, user, "apikey.revoke", $"{app}/{env}", key.Name,
            before: new { key.Id, key.Name, key.KeyPrefix, Revoked = false }, after: new { key.Id, key.Name, key.KeyPrefix, Revoked = true });
        await db.SaveChangesAsync(ct);
        store.Remove(key.Id);
    }

    private (string Key, ApiKeyEntity Entity) NewKey(string app, string env, string name, string user)
    {
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, new ApiKeyEntity
        {
            AppId = app,
            EnvironmentId = env,
            Name = name,
            KeyHash = store.Hash(key),
            HashVersion = 1,
            KeyPrefix = key[..10],
            CreatedAt = time.GetUtcNow(),
            CreatedBy = user,
        });
    }

    private async Task<ApiKeyEntity> RequireLiveAsync(ConfigCenterDbContext db, string app, string env, int id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.AppId == app && k.EnvironmentId == env && k.RevokedAt == null, ct);
        return key is null || key.ExpiresAt <= now ? throw ConfigCenterException.NotFound($"{app}/{env} has no API key {id}.") : key;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}

/// <summary>The response of key creation or rotation: the only time the key is visible.</summary>
public sealed record CreatedApiKey(int Id, string Key, string Name);

/// <summary>A key as lists show it: never the secret or its hash.</summary>
public sealed record ApiKeyView(int Id, string Name, string KeyPrefix, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt);

public sealed record CreateApiKeyRequest(string? Name);

public sealed record RotateApiKeyRequest(int? GraceMinutes);

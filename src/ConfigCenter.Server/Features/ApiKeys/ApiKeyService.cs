using System.Security.Cryptography;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Issues and revokes client API keys; a key is shown once and only its hash is stored.</summary>
public sealed class ApiKeyService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    ApiKeyStore store,
    TimeProvider time)
{
    public const string KeyPrefix = "cck_";

    public async Task<CreatedApiKey> CreateAsync(string app, string env, string? name, string user, CancellationToken ct)
    {
        if (Core.FieldLimits.Check(name, "name", "The key name", Core.FieldLimits.MaxApiKeyName) is { } error) throw ConfigCenterException.Invalid(error);
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        await NamespaceLookup.RequireEnvironmentAsync(db, env, ct);
        var entity = new ApiKeyEntity
        {
            AppId = app,
            EnvironmentId = env,
            Name = string.IsNullOrWhiteSpace(name) ? $"{app}-{env}" : name.Trim(),
            KeyHash = ApiKeyStore.Hash(key),
            KeyPrefix = key[..10],
            CreatedAt = time.GetUtcNow(),
            CreatedBy = user,
        };
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
        return await db.ApiKeys.AsNoTracking().Where(k => k.AppId == app && k.EnvironmentId == env && k.RevokedAt == null)
            .OrderBy(k => k.Id).Select(k => new ApiKeyView(k.Id, k.Name, k.KeyPrefix, k.CreatedAt, k.CreatedBy)).ToListAsync(ct);
    }

    public async Task RevokeAsync(string app, string env, int id, string user, CancellationToken ct)
    {
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.AppId == app && k.EnvironmentId == env && k.RevokedAt == null, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env} has no API key {id}.");
        key.RevokedAt = time.GetUtcNow();
        AuditLog.Record(db, key.RevokedAt.Value, user, "apikey.revoke", $"{app}/{env}", key.Name,
            before: new { key.Id, key.Name, key.KeyPrefix, Revoked = false }, after: new { key.Id, key.Name, key.KeyPrefix, Revoked = true });
        await db.SaveChangesAsync(ct);
        store.Remove(key.KeyHash);
    }
}

/// <summary>The response of key creation: the only time the key is visible.</summary>
public sealed record CreatedApiKey(int Id, string Key, string Name);

public sealed record ApiKeyView(int Id, string Name, string KeyPrefix, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record CreateApiKeyRequest(string? Name);

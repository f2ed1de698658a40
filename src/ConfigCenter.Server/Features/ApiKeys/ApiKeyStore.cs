using System.Collections.Concurrent;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>
/// The hashes of every live client API key, in memory, so the read endpoint and the hub authenticate a key without
/// touching SQLite. Keys are HMAC-SHA256 hashed (<see cref="SecretHasher"/>); rows from before that hold a bare
/// SHA-256 (hash version 0) and still authenticate: the first use moves them to HMAC here and queues the row's
/// re-hash for <see cref="ApiKeyUsage"/> to write. Last use is recorded in memory and written the same way.
/// </summary>
public sealed class ApiKeyStore(ApiKeyConnections connections, SecretHasher hasher, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ApiKeyScope> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiKeyScope> _byLegacyHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, DateTimeOffset> _lastUsed = new();
    private readonly ConcurrentDictionary<int, string> _rehashed = new();

    public string Hash(string key) => hasher.Hash(key);

    public ApiKeyScope? Find(string key)
    {
        var now = time.GetUtcNow();
        if (!_byHash.TryGetValue(hasher.Hash(key), out var scope))
        {
            if (!_byLegacyHash.TryRemove(SecretHasher.LegacyHash(key), out scope)) return null;
            var hmac = hasher.Hash(key);
            _byHash[hmac] = scope;
            _rehashed[scope.Id] = hmac;
        }
        if (scope.ExpiresAt <= now) return null;
        _lastUsed[scope.Id] = now;
        return scope;
    }

    /// <summary>Raised when a key was added, expired or removed here, so other replicas reload theirs (ReplicaSignals).</summary>
    public event Action? ChangedHere;

    public void Add(string hash, ApiKeyScope scope)
    {
        _byHash[hash] = scope;
        ChangedHere?.Invoke();
    }

    /// <summary>True while the key with this id authenticates.</summary>
    public bool IsLive(int id)
    {
        var now = time.GetUtcNow();
        return _byHash.Values.Concat(_byLegacyHash.Values).Any(scope => scope.Id == id && !(scope.ExpiresAt <= now));
    }

    /// <summary>The key's last use not yet written to SQLite, if any.</summary>
    public DateTimeOffset? PendingLastUse(int id) => _lastUsed.TryGetValue(id, out var at) ? at : null;

    /// <summary>Sets when a key (rotated with a grace period) stops authenticating.</summary>
    public void Expire(int id, DateTimeOffset at)
    {
        foreach (var table in new[] { _byHash, _byLegacyHash })
        {
            foreach (var (hash, scope) in table)
            {
                if (scope.Id == id) table[hash] = scope with { ExpiresAt = at };
            }
        }
        ChangedHere?.Invoke();
    }

    /// <summary>Forgets the key with this id and closes its open hub connections.</summary>
    public void Remove(int id)
    {
        Forget(id);
        ChangedHere?.Invoke();
    }

    private void Forget(int id)
    {
        foreach (var table in new[] { _byHash, _byLegacyHash })
        {
            foreach (var (hash, scope) in table)
            {
                if (scope.Id == id) table.TryRemove(hash, out _);
            }
        }
        connections.Abort(id);
    }

    /// <summary>Forgets every key of the app (it was deleted) and closes their open hub connections.</summary>
    public void RemoveApp(string app)
    {
        foreach (var id in _byHash.Values.Concat(_byLegacyHash.Values).Where(s => s.App == app).Select(s => s.Id).Distinct().ToList()) Remove(id);
    }

    /// <summary>Keys past their grace period: forgotten here, their connections closed; the caller marks them revoked.</summary>
    public IReadOnlyList<int> RemoveExpired()
    {
        var now = time.GetUtcNow();
        var expired = _byHash.Values.Concat(_byLegacyHash.Values).Where(s => s.ExpiresAt <= now).Select(s => s.Id).Distinct().ToList();
        foreach (var id in expired) Remove(id);
        return expired;
    }

    /// <summary>Takes the recorded last uses and re-hashes for writing.</summary>
    public (IReadOnlyDictionary<int, DateTimeOffset> LastUsed, IReadOnlyDictionary<int, string> Rehashed) TakePending()
    {
        var used = new Dictionary<int, DateTimeOffset>();
        foreach (var id in _lastUsed.Keys)
        {
            if (_lastUsed.TryRemove(id, out var at)) used[id] = at;
        }
        var rehashed = new Dictionary<int, string>();
        foreach (var id in _rehashed.Keys)
        {
            if (_rehashed.TryRemove(id, out var hash)) rehashed[id] = hash;
        }
        return (used, rehashed);
    }

    /// <summary>
    /// Another replica issued, rotated or revoked a key: take the store's live keys as they are now. Keys no longer live
    /// are forgotten and their hub connections closed, as if revoked here.
    /// </summary>
    public async Task ReloadAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        var live = (await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).Select(k => k.Id).ToListAsync(ct)).ToHashSet();
        foreach (var id in _byHash.Values.Concat(_byLegacyHash.Values).Select(s => s.Id).Where(id => !live.Contains(id)).Distinct().ToList()) Forget(id);
        await LoadAsync(db, ct);
    }

    public async Task LoadAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).ToListAsync(ct);
        foreach (var key in keys)
        {
            var scope = new ApiKeyScope(key.Id, key.AppId, key.EnvironmentId, key.Name, key.ExpiresAt);
            (key.HashVersion == 0 ? _byLegacyHash : _byHash)[key.KeyHash] = scope;
        }
    }
}

/// <summary>What one API key may read, and until when (a key rotated with a grace period).</summary>
public sealed record ApiKeyScope(int Id, string App, string Environment, string Name, DateTimeOffset? ExpiresAt = null);

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>
/// The hashes of every live client API key, in memory, so the read endpoint and the hub authenticate a
/// key without touching SQLite.
/// </summary>
public sealed class ApiKeyStore(ApiKeyConnections connections)
{
    private readonly ConcurrentDictionary<string, ApiKeyScope> _byHash = new(StringComparer.Ordinal);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public ApiKeyScope? Find(string key) => _byHash.TryGetValue(Hash(key), out var scope) ? scope : null;

    public void Add(string hash, ApiKeyScope scope) => _byHash[hash] = scope;

    /// <summary>True while the key with this id authenticates.</summary>
    public bool IsLive(int id) => _byHash.Values.Any(scope => scope.Id == id);

    /// <summary>Forgets the key and closes its open hub connections.</summary>
    public void Remove(string hash)
    {
        if (_byHash.TryRemove(hash, out var scope)) connections.Abort(scope.Id);
    }

    /// <summary>Forgets every key of the app (it was deleted) and closes their open hub connections.</summary>
    public void RemoveApp(string app)
    {
        foreach (var (hash, scope) in _byHash)
        {
            if (scope.App == app) Remove(hash);
        }
    }

    public async Task LoadAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).ToListAsync(ct);
        foreach (var key in keys) _byHash[key.KeyHash] = new ApiKeyScope(key.Id, key.AppId, key.EnvironmentId, key.Name);
    }
}

/// <summary>What one API key may read.</summary>
public sealed record ApiKeyScope(int Id, string App, string Environment, string Name);

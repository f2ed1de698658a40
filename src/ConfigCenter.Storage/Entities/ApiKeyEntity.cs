namespace ConfigCenter.Storage.Entities;

/// <summary>A read-only client API key scoped to one app and environment; only its hash is kept.</summary>
public sealed class ApiKeyEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string EnvironmentId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lowercase hex of the key's hash; <see cref="HashVersion"/> says which hash.</summary>
    public required string KeyHash { get; set; }
    /// <summary>0: bare SHA-256 (rows from before HMAC, re-hashed on first use); 1: HMAC-SHA256 under the server's secret key.</summary>
    public int HashVersion { get; set; }
    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string KeyPrefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? LastUsedAt { get; set; }
    /// <summary>Set when the key was rotated with a grace period: it authenticates until then.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

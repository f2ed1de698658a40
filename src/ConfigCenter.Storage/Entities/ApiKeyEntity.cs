namespace ConfigCenter.Storage.Entities;

/// <summary>A read-only client API key scoped to one app and environment; only its hash is kept.</summary>
public sealed class ApiKeyEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string EnvironmentId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lowercase hex SHA-256 of the key; keys are 256-bit random so a fast hash is enough.</summary>
    public required string KeyHash { get; set; }
    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string KeyPrefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
}

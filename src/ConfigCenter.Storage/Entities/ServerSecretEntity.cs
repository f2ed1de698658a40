namespace ConfigCenter.Storage.Entities;

/// <summary>
/// A secret every server replica must share: the HMAC key for API keys and tokens, and the data-protection key ring
/// (sign-in cookies, antiforgery). Replicas on PostgreSQL share no directory, so these live in the database they do share;
/// on SQLite they stay in the data directory and this table is empty.
/// </summary>
public sealed class ServerSecretEntity
{
    /// <summary>What the secret is, e.g. <c>secret-hash-key</c> or <c>data-protection/key-{guid}</c>.</summary>
    public required string Name { get; set; }

    public required byte[] Value { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

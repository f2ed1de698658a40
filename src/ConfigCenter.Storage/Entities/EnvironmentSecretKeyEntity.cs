namespace ConfigCenter.Storage.Entities;

/// <summary>
/// An environment's AES-256 key for secret values. The key bytes are stored protected by the server's Data Protection key ring,
/// never in clear. The newest key without <see cref="RetiredAt"/> seals new values; retired keys stay to open older releases.
/// </summary>
public sealed class EnvironmentSecretKeyEntity
{
    public long Id { get; set; }
    public required string EnvironmentId { get; set; }
    /// <summary>The first 8 hex characters of SHA-256 of the key, as envelopes name it.</summary>
    public required string KeyId { get; set; }
    /// <summary>The key bytes protected by Data Protection (base64url text).</summary>
    public required string ProtectedKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
}

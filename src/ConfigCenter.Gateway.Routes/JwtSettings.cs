namespace ConfigCenter.Gateway.Routes;

/// <summary>JWT bearer validation (<c>Jwt:…</c>): an OpenID Connect authority, or an issuer and signing keys.</summary>
public sealed record JwtSettings
{
    /// <summary>The OpenID Connect authority whose metadata/JWKS supply the issuer and keys; null = use <see cref="SigningKeys"/>.</summary>
    public string? Authority { get; init; }

    /// <summary>The expected issuer (defaults to the authority's).</summary>
    public string? Issuer { get; init; }

    /// <summary>The expected audience. Required.</summary>
    public required string Audience { get; init; }

    /// <summary>Symmetric HMAC signing keys, base64 (at least 32 bytes each), used when there is no authority.</summary>
    public IReadOnlyList<string> SigningKeys { get; init; } = [];
}

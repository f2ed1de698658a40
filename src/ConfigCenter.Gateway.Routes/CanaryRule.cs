namespace ConfigCenter.Gateway.Routes;

/// <summary>
/// Sends part of a route's traffic to the instances whose registry metadata <c>version</c> equals
/// <see cref="Version"/> (<c>Routes:{id}:Canary:…</c>): every request that satisfies the header or cookie rule,
/// plus <see cref="Percent"/> % of the others. Other requests go to the remaining instances.
/// </summary>
public sealed record CanaryRule
{
    /// <summary>The metadata version of the canary instances.</summary>
    public required string Version { get; init; }

    /// <summary>The share of requests (0–100) sent to the canary without a header/cookie rule.</summary>
    public double Percent { get; init; }

    /// <summary>A header that sends a request to the canary, or null.</summary>
    public string? Header { get; init; }

    /// <summary>A regular expression the header value must match (null = any non-empty value).</summary>
    public string? HeaderPattern { get; init; }

    /// <summary>A cookie that sends a request to the canary, or null.</summary>
    public string? Cookie { get; init; }

    /// <summary>A regular expression the cookie value must match (null = any non-empty value).</summary>
    public string? CookiePattern { get; init; }
}

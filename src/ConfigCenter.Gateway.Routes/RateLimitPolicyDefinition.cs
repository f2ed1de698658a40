namespace ConfigCenter.Gateway.Routes;

/// <summary>A fixed-window rate limit (<c>RateLimits:{name}:…</c>).</summary>
public sealed record RateLimitPolicyDefinition
{
    /// <summary>The policy name.</summary>
    public required string Name { get; init; }

    /// <summary>Requests allowed per window (per route, or per caller of the route).</summary>
    public required int PermitLimit { get; init; }

    /// <summary>The window length.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Whom the limit counts: one budget per route, or one per caller of a route.</summary>
    public RateLimitPartition Partition { get; init; } = RateLimitPartition.Route;
}

/// <summary>Whom a rate limit counts.</summary>
public enum RateLimitPartition
{
    /// <summary>All callers of the route share one budget.</summary>
    Route,

    /// <summary>Each caller (token subject, API key, else client IP) has its own budget per route.</summary>
    Caller,
}

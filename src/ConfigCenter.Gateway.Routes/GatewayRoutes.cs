namespace ConfigCenter.Gateway.Routes;

/// <summary>
/// The content of a routes namespace (default name <c>routes</c>): the routes, the JWT settings routes with
/// <see cref="RouteAuthorization.Jwt"/> use, and the named rate-limit policies routes refer to.
/// Read from the namespace's flat released items with <see cref="RoutesReader.Read"/>.
/// </summary>
public sealed record GatewayRoutes
{
    /// <summary>The routes, ordered by id.</summary>
    public IReadOnlyList<RouteDefinition> Routes { get; init; } = [];

    /// <summary>JWT bearer settings (section <c>Jwt</c>); required when a route uses <c>jwt</c>.</summary>
    public JwtSettings? Jwt { get; init; }

    /// <summary>Rate-limit policies by name (section <c>RateLimits</c>), compared case-insensitively.</summary>
    public IReadOnlyDictionary<string, RateLimitPolicyDefinition> RateLimits { get; init; } =
        new Dictionary<string, RateLimitPolicyDefinition>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The largest request body a route accepts unless it sets its own (<c>Limits:MaxRequestBodySize</c>), bytes.</summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>The distinct service names the routes send to.</summary>
    public IEnumerable<string> Services => Routes.Select(r => r.Service).Distinct(StringComparer.Ordinal);
}

using ConfigCenter.Gateway.Routes;

namespace ConfigCenter.Gateway;

/// <summary>The routes the gateway applies now, by route id, with the routes namespace's items they came from.</summary>
public sealed class RoutesSnapshot
{
    public static readonly RoutesSnapshot Empty = new(new GatewayRoutes(), 0);

    public RoutesSnapshot(GatewayRoutes routes, int version)
    {
        Routes = routes;
        Version = version;
        ById = routes.Routes.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);
    }

    public GatewayRoutes Routes { get; }

    /// <summary>Counts applied route sets in this process (not the release revision).</summary>
    public int Version { get; }

    public IReadOnlyDictionary<string, RouteDefinition> ById { get; }
}

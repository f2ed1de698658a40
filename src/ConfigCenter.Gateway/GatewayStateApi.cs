using Yarp.ReverseProxy;

namespace ConfigCenter.Gateway;

/// <summary>
/// <c>GET /_gateway/routes</c>: the routes in force with their service's destinations and each destination's health
/// as the gateway sees it — what an admin page or a test needs to know without reading YARP's internals.
/// </summary>
public static class GatewayStateApi
{
    public static IEndpointRouteBuilder MapGatewayState(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_gateway/routes", (RegistryProxyConfigProvider provider, IProxyStateLookup state) =>
        {
            var config = provider.Current;
            var clusters = config.Clusters.Select(c =>
            {
                state.TryGetCluster(c.ClusterId, out var cluster);
                return new ClusterView(c.ClusterId, [.. (c.Destinations ?? new Dictionary<string, Yarp.ReverseProxy.Configuration.DestinationConfig>()).Select(d =>
                {
                    var live = cluster?.Destinations.GetValueOrDefault(d.Key);
                    return new DestinationView(d.Key, d.Value.Address,
                        d.Value.Metadata?.GetValueOrDefault("version"), d.Value.Metadata?.GetValueOrDefault("zone"),
                        live?.Health.Passive.ToString() ?? "Unknown", live?.Health.Active.ToString() ?? "Unknown",
                        live?.ConcurrentRequestCount ?? 0);
                })]);
            }).ToList();
            var routes = config.Snapshot.Routes.Routes.Select(r => new RouteView(r.Id, r.Match.Path, r.Match.Hosts, r.Service,
                r.Authorization.ToString().ToLowerInvariant(), r.RateLimitPolicy, ProxyConfigFactory.ClusterId(r.Service))).ToList();
            return Results.Ok(new GatewayStateView(config.RevisionId, routes, clusters));
        });
        return app;
    }

    public sealed record GatewayStateView(string Revision, IReadOnlyList<RouteView> Routes, IReadOnlyList<ClusterView> Clusters);

    public sealed record RouteView(string Id, string? Path, IReadOnlyList<string> Hosts, string Service, string Authorization, string? RateLimitPolicy, string ClusterId);

    public sealed record ClusterView(string Id, IReadOnlyList<DestinationView> Destinations);

    public sealed record DestinationView(string Id, string Address, string? Version, string? Zone, string PassiveHealth, string ActiveHealth, int InFlight);
}

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
            // What YARP has applied (not merely what was handed to it), so a caller that sees a route here can use it.
            var definitions = provider.Current.Snapshot.ById;
            var clusters = state.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).Select(c => new ClusterView(c.ClusterId,
                [.. c.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).Select(d => new DestinationView(
                    d.DestinationId, d.Model.Config.Address,
                    d.Model.Config.Metadata?.GetValueOrDefault("version"), d.Model.Config.Metadata?.GetValueOrDefault("zone"),
                    d.Health.Passive.ToString(), d.Health.Active.ToString(), d.ConcurrentRequestCount))])).ToList();
            var routes = state.GetRoutes().OrderBy(r => r.Config.RouteId, StringComparer.Ordinal).Select(r =>
            {
                var definition = definitions.GetValueOrDefault(r.Config.RouteId);
                return new RouteView(r.Config.RouteId, r.Config.Match.Path, r.Config.Match.Hosts ?? [], definition?.Service ?? "",
                    definition?.Authorization.ToString().ToLowerInvariant() ?? "", definition?.RateLimitPolicy, r.Config.ClusterId ?? "");
            }).ToList();
            return Results.Ok(new GatewayStateView(provider.Current.RevisionId, routes, clusters));
        });
        return app;
    }

    public sealed record GatewayStateView(string Revision, IReadOnlyList<RouteView> Routes, IReadOnlyList<ClusterView> Clusters);

    public sealed record RouteView(string Id, string? Path, IReadOnlyList<string> Hosts, string Service, string Authorization, string? RateLimitPolicy, string ClusterId);

    public sealed record ClusterView(string Id, IReadOnlyList<DestinationView> Destinations);

    public sealed record DestinationView(string Id, string Address, string? Version, string? Zone, string PassiveHealth, string ActiveHealth, int InFlight);
}

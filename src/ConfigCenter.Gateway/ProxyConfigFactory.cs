using ConfigCenter.Contracts;
using ConfigCenter.Gateway.Routes;
using Yarp.ReverseProxy.Configuration;
using YarpRouteMatch = Yarp.ReverseProxy.Configuration.RouteMatch;

namespace ConfigCenter.Gateway;

/// <summary>
/// Turns the routes and the registry's instances into YARP routes and clusters. Ids are stable — route id = the
/// route's key, cluster id = <c>service:{name}</c>, destination id = instance id — so YARP keeps destination health
/// and load-balancing state across reloads.
/// </summary>
public static class ProxyConfigFactory
{
    public const string LoadBalancingPolicy = WeightedZoneLoadBalancingPolicy.PolicyName;
    public const string RateLimiterPolicy = GatewayRateLimiterPolicy.PolicyName;

    public static string ClusterId(string service) => $"service:{service}";

    public static IReadOnlyList<RouteConfig> Routes(RoutesSnapshot snapshot, GatewayOptions options) =>
        [.. snapshot.Routes.Routes.Select(r => Route(r, snapshot.Routes, options))];

    public static IReadOnlyList<ClusterConfig> Clusters(RoutesSnapshot snapshot, IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> instances, GatewayOptions options) =>
        [.. snapshot.Routes.Services.Select(s => Cluster(s, instances.GetValueOrDefault(s) ?? [], options))];

    private static RouteConfig Route(RouteDefinition route, GatewayRoutes routes, GatewayOptions options) => new()
    {
        RouteId = route.Id,
        ClusterId = ClusterId(route.Service),
        Order = route.Order,
        Match = new YarpRouteMatch
        {
            Path = route.Match.Path,
            Hosts = route.Match.Hosts.Count > 0 ? route.Match.Hosts : null,
            Methods = route.Match.Methods.Count > 0 ? route.Match.Methods : null,
            Headers = route.Match.Headers.Count > 0
                ? [.. route.Match.Headers.Select(h => new RouteHeader
                {
                    Name = h.Name,
                    Values = h.Values.Count > 0 ? h.Values : null,
                    Mode = Enum.Parse<HeaderMatchMode>(h.Mode, ignoreCase: true),
                })]
                : null,
        },
        AuthorizationPolicy = route.Authorization switch
        {
            RouteAuthorization.Jwt => GatewayAuthentication.JwtPolicy,
            RouteAuthorization.ApiKey => GatewayAuthentication.ApiKeyPolicy,
            _ => "Anonymous",
        },
        RateLimiterPolicy = route.RateLimitPolicy is null ? null : RateLimiterPolicy,
        Timeout = route.Timeout,
        MaxRequestBodySize = route.MaxRequestBodySize ?? routes.MaxRequestBodySize ?? options.MaxRequestBodySize,
        Transforms = route.Transforms.Count > 0 ? route.Transforms : null,
    };

    private static ClusterConfig Cluster(string service, IReadOnlyList<RegistryEntry> instances, GatewayOptions options) => new()
    {
        ClusterId = ClusterId(service),
        LoadBalancingPolicy = LoadBalancingPolicy,
        HealthCheck = new HealthCheckConfig
        {
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = TransportFailurePolicy.PolicyName,
                ReactivationPeriod = options.ReactivationPeriod,
            },
            Active = options.ActiveHealthChecks.Enabled
                ? new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = options.ActiveHealthChecks.Interval,
                    Timeout = options.ActiveHealthChecks.Timeout,
                    Path = options.ActiveHealthChecks.Path,
                    Policy = "ConsecutiveFailures",
                }
                : null,
        },
        Destinations = instances.ToDictionary(
            i => i.InstanceId,
            i => new DestinationConfig
            {
                Address = $"{i.Scheme}://{FormatHost(i.Address)}:{i.Port}",
                Metadata = i.Metadata,
            },
            StringComparer.Ordinal),
    };

    private static string FormatHost(string address) =>
        address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
}

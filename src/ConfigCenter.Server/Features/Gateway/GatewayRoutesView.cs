using System.Globalization;
using System.Text;
using ConfigCenter.Contracts;
using ConfigCenter.Gateway.Routes;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Gateway;

/// <summary>One registry instance a route sends to, as the gateway sees it.</summary>
/// <param name="InstanceId">The registry instance id (the gateway's destination id).</param>
/// <param name="Address">scheme://address:port.</param>
/// <param name="Health">passing, warning or critical.</param>
/// <param name="Weight">The metadata <c>weight</c>, or 100 when absent or not a positive integer (the gateway's default).</param>
/// <param name="Zone">The metadata <c>zone</c>, or null.</param>
/// <param name="Version">The metadata <c>version</c>, or null.</param>
/// <param name="Draining">True when the instance is draining: the gateway sends it no new requests.</param>
public sealed record GatewayDestination(string InstanceId, string Address, string Health, int Weight, string? Zone, string? Version, bool Draining)
{
    /// <summary>True when the gateway sends new requests to it: passing and not draining.</summary>
    public bool Routable => Health == "passing" && !Draining;
}

/// <summary>One live route of a gateway and its destinations.</summary>
/// <param name="Id">The route id (the key under <c>Routes</c>).</param>
/// <param name="Match">The match in one line: methods, path, hosts, headers.</param>
/// <param name="Service">The registry service the route sends to.</param>
/// <param name="Authorization">anonymous, jwt or apikey.</param>
/// <param name="RateLimit">The rate-limit policy and its budget, or null.</param>
/// <param name="Timeout">The route's timeout, or null for the gateway default (100 s).</param>
/// <param name="Canary">The canary rule in one line, or null.</param>
/// <param name="Destinations">The registered instances of the service (presence-only entries left out), by instance id.</param>
public sealed record GatewayRouteView(
    string Id, string Match, string Service, string Authorization, string? RateLimit, TimeSpan? Timeout, string? Canary,
    IReadOnlyList<GatewayDestination> Destinations)
{
    /// <summary>How many destinations get new requests (passing, not draining).</summary>
    public int Routable => Destinations.Count(d => d.Routable);

    /// <summary>True when no instance of the service would take a request: the route answers 503.</summary>
    public bool NoPassingInstance => Routable == 0;
}

/// <summary>The live routes of one gateway app in one environment, from the current release of its routes namespace.</summary>
/// <param name="Environment">The environment.</param>
/// <param name="App">The gateway's app.</param>
/// <param name="Namespace">The routes namespace.</param>
/// <param name="Revision">The current release revision.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="Routes">The routes, by id; empty when the release is invalid.</param>
/// <param name="Errors">What the gateway would reject in the release (one published before the publish check, say).</param>
/// <param name="RegistryAvailable">False in standalone mode or when etcd did not answer: destinations are unknown.</param>
public sealed record GatewayView(
    string Environment, string App, string Namespace, long Revision, DateTimeOffset PublishedAt, string PublishedBy,
    IReadOnlyList<GatewayRouteView> Routes, IReadOnlyList<RoutesError> Errors, bool RegistryAvailable);

/// <summary>
/// The gateway page's and API's read model: the current release of a gateway app's routes namespace (from the
/// <see cref="ReleaseCache"/>, read with the same <see cref="RoutesReader"/> the gateway uses) joined with the registry
/// instances of each route's service (from the <see cref="RegistryView"/>). Both sources push their changes; see
/// <see cref="Changed"/>.
/// </summary>
internal sealed class GatewayRoutesView : IDisposable
{
    private readonly ReleaseCache _releases;
    private readonly RegistryView _registry;

    public GatewayRoutesView(ReleaseCache releases, RegistryView registry, IOptions<ConfigCenterServerOptions> options)
    {
        _releases = releases;
        _registry = registry;
        Namespace = options.Value.Gateway.RoutesNamespace;
        _releases.Published += OnPublished;
        _registry.Changed += OnRegistryChanged;
    }

    /// <summary>The name of the routes namespace (server setting <c>ConfigCenter:Gateway:RoutesNamespace</c>, default <c>routes</c>).</summary>
    public string Namespace { get; }

    /// <summary>Raised with the environment when a routes release was published there or its registry changed.</summary>
    public event Action<string>? Changed;

    /// <summary>The environments that have at least one released routes namespace, sorted.</summary>
    public IReadOnlyList<string> Environments() =>
        [.. _releases.All().Where(r => IsRoutes(r.Document)).Select(r => r.Document.Environment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The gateway apps of <paramref name="environment"/>: apps with a released routes namespace there, sorted.</summary>
    public IReadOnlyList<string> Apps(string environment) =>
        [.. _releases.All().Where(r => IsRoutes(r.Document) && r.Document.Environment == environment).Select(r => r.Document.App).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The live routes of <paramref name="app"/> in <paramref name="environment"/>, or null when it has no released
    /// routes namespace there. A registry that does not answer in time leaves the destinations empty and
    /// <see cref="GatewayView.RegistryAvailable"/> false rather than failing the whole view.
    /// </summary>
    public async Task<GatewayView?> GetAsync(string environment, string app, CancellationToken ct)
    {
        if (_releases.Get(environment, app, Namespace) is not { } cached) return null;
        var release = cached.Document;
        var read = RoutesReader.Read(release.Items);
        IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> services = new Dictionary<string, IReadOnlyList<RegistryEntry>>();
        var registryAvailable = _registry.Enabled;
        if (registryAvailable)
        {
            try
            {
                services = await _registry.ServicesAsync(environment, ct);
            }
            catch (TimeoutException)
            {
                registryAvailable = false;
            }
        }

        var routes = (read.Routes?.Routes ?? []).Select(r => new GatewayRouteView(
            r.Id, DescribeMatch(r.Match), r.Service, r.Authorization.ToString().ToLowerInvariant(),
            DescribeRateLimit(r.RateLimitPolicy, read.Routes!), r.Timeout, DescribeCanary(r.Canary),
            Destinations(services.GetValueOrDefault(r.Service)))).ToList();
        return new GatewayView(environment, app, Namespace, release.Revision, release.PublishedAt, release.PublishedBy, routes, read.Errors, registryAvailable);
    }

    private bool IsRoutes(ReleaseDocument document) => document.Namespace == Namespace;

    private static List<GatewayDestination> Destinations(IReadOnlyList<RegistryEntry>? instances) =>
        [.. (instances ?? []).Where(i => !PresenceMetadata.IsPresence(i)).OrderBy(i => i.InstanceId, StringComparer.Ordinal).Select(i => new GatewayDestination(
            i.InstanceId,
            $"{i.Scheme}://{i.Address}:{i.Port.ToString(CultureInfo.InvariantCulture)}",
            i.Health,
            int.TryParse(i.Metadata.GetValueOrDefault("weight"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w > 0 ? w : 100,
            i.Metadata.GetValueOrDefault("zone"),
            i.Metadata.GetValueOrDefault("version"),
            string.Equals(i.Metadata.GetValueOrDefault(PresenceMetadata.Draining), "true", StringComparison.OrdinalIgnoreCase)))];

    internal static string DescribeMatch(RouteMatch match)
    {
        var text = new StringBuilder();
        text.Append(match.Methods.Count == 0 ? "*" : string.Join(",", match.Methods.Select(m => m.ToUpperInvariant())));
        text.Append(' ').Append(match.Path ?? "/{**any}");
        if (match.Hosts.Count > 0) text.Append(" host ").Append(string.Join(",", match.Hosts));
        foreach (var header in match.Headers)
        {
            text.Append(" header ").Append(header.Name);
            text.Append(header.Mode switch
            {
                "Exists" => " exists",
                "NotExists" => " absent",
                "HeaderPrefix" => $" starts with {string.Join("|", header.Values)}",
                "Contains" => $" contains {string.Join("|", header.Values)}",
                "NotContains" => $" not containing {string.Join("|", header.Values)}",
                _ => $"={string.Join("|", header.Values)}",
            });
        }

        return text.ToString();
    }

    private static string? DescribeRateLimit(string? policy, GatewayRoutes routes)
    {
        if (policy is null) return null;
        return routes.RateLimits.TryGetValue(policy, out var p)
            ? $"{p.Name}: {p.PermitLimit.ToString(CultureInfo.InvariantCulture)} per {p.Window.ToString("c", CultureInfo.InvariantCulture)} per {p.Partition.ToString().ToLowerInvariant()}"
            : policy;
    }

    private static string? DescribeCanary(CanaryRule? canary)
    {
        if (canary is null) return null;
        var parts = new List<string> { $"version {canary.Version}" };
        if (canary.Percent > 0) parts.Add($"{canary.Percent.ToString("0.##", CultureInfo.InvariantCulture)} %");
        if (canary.Header is not null) parts.Add(canary.HeaderPattern is null ? $"header {canary.Header}" : $"header {canary.Header} ~ {canary.HeaderPattern}");
        if (canary.Cookie is not null) parts.Add(canary.CookiePattern is null ? $"cookie {canary.Cookie}" : $"cookie {canary.Cookie} ~ {canary.CookiePattern}");
        return string.Join(" · ", parts);
    }

    private void OnPublished(ReleaseDocument document)
    {
        if (IsRoutes(document)) Changed?.Invoke(document.Environment);
    }

    private void OnRegistryChanged(string environment) => Changed?.Invoke(environment);

    public void Dispose()
    {
        _releases.Published -= OnPublished;
        _registry.Changed -= OnRegistryChanged;
    }
}

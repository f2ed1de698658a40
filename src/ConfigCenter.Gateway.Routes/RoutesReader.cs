using System.Globalization;
using System.Text.RegularExpressions;

namespace ConfigCenter.Gateway.Routes;

/// <summary>
/// Reads and validates a routes namespace from its flat released items (JSON documents are flattened at publish,
/// <c>Routes:orders:Match:Path</c>). Pure: the gateway uses it on every release it applies, the server on publish.
/// Every error carries the item path. Unknown fields are errors, so a typo never passes as "not set".
/// </summary>
public static partial class RoutesReader
{
    /// <summary>The default name of the namespace that holds gateway routes.</summary>
    public const string DefaultNamespace = "routes";

    private static readonly string[] TopLevel = ["Routes", "Jwt", "RateLimits", "Limits"];
    private static readonly string[] RouteFields =
        ["Match", "Service", "Authorization", "RateLimitPolicy", "Timeout", "Transforms", "RetryNonIdempotent", "MaxRequestBodySize", "Order", "Canary"];
    private static readonly string[] LimitsFields = ["MaxRequestBodySize"];

    /// <summary>Reads the routes namespace.</summary>
    /// <param name="items">The namespace's flat items.</param>
    /// <param name="isKnownService">
    /// Whether a service name is known (the server: an app of that name or a registered service); null skips the check
    /// (the gateway, which routes to whatever the registry holds).
    /// </param>
    /// <returns>The routes, or the errors.</returns>
    public static RoutesReadResult Read(IEnumerable<KeyValuePair<string, string?>> items, Func<string, bool>? isKnownService = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var errors = new List<RoutesError>();
        var root = ItemTree.Build(items);
        ItemValues.Unknown(root, TopLevel, errors);

        var jwt = root["Jwt"] is { } jwtNode ? JwtSettingsReader.Read(jwtNode, errors) : null;
        var policies = new Dictionary<string, RateLimitPolicyDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in root["RateLimits"]?.Children ?? [])
        {
            if (RateLimitPolicyReader.Read(node, errors) is { } policy) policies[policy.Name] = policy;
        }
        long? maxBody = null;
        if (root["Limits"] is { } limits)
        {
            ItemValues.Unknown(limits, LimitsFields, errors);
            maxBody = ItemValues.Size(limits, "MaxRequestBodySize", errors);
        }

        var routes = new List<RouteDefinition>();
        foreach (var node in (root["Routes"]?.Children ?? []).OrderBy(n => n.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (ReadRoute(node, jwt, policies, isKnownService, errors) is { } route) routes.Add(route);
        }

        return errors.Count > 0
            ? new RoutesReadResult(null, errors)
            : new RoutesReadResult(new GatewayRoutes { Routes = routes, Jwt = jwt, RateLimits = policies, MaxRequestBodySize = maxBody }, errors);
    }

    private static RouteDefinition? ReadRoute(ItemTree node, JwtSettings? jwt, Dictionary<string, RateLimitPolicyDefinition> policies,
        Func<string, bool>? isKnownService, List<RoutesError> errors)
    {
        var before = errors.Count;
        if (!RouteId().IsMatch(node.Name))
        {
            errors.Add(new(node.Path, $"Route id '{node.Name}' is invalid: use 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit."));
        }
        ItemValues.Unknown(node, RouteFields, errors);

        var service = ItemValues.Text(node, "Service", errors, required: true);
        if (service is not null)
        {
            if (!ServiceName().IsMatch(service))
            {
                errors.Add(new(node.ChildPath("Service"), $"Service '{service}' is invalid: use 1 to 63 lowercase letters, digits and '-'."));
            }
            else if (isKnownService is not null && !isKnownService(service))
            {
                errors.Add(new(node.ChildPath("Service"), $"Service '{service}' is unknown: no app of that name and no instance registered in this environment."));
            }
        }

        var match = node["Match"] is { } matchNode ? RouteMatchReader.Read(matchNode, errors) : null;
        if (match is null && node["Match"] is null) errors.Add(new(node.ChildPath("Match"), "Match is required (a Path and/or Hosts)."));

        var authorization = RouteAuthorization.Anonymous;
        if (ItemValues.Text(node, "Authorization", errors) is { } auth)
        {
            if (auth.Equals("anonymous", StringComparison.OrdinalIgnoreCase)) authorization = RouteAuthorization.Anonymous;
            else if (auth.Equals("jwt", StringComparison.OrdinalIgnoreCase)) authorization = RouteAuthorization.Jwt;
            else if (auth.Equals("apikey", StringComparison.OrdinalIgnoreCase)) authorization = RouteAuthorization.ApiKey;
            else errors.Add(new(node.ChildPath("Authorization"), $"Authorization '{auth}' is unknown: use anonymous, jwt or apikey."));
            if (authorization == RouteAuthorization.Jwt && jwt is null)
            {
                errors.Add(new(node.ChildPath("Authorization"), "Authorization jwt needs a Jwt section (Audience, and Authority or SigningKeys)."));
            }
        }

        var policy = ItemValues.Text(node, "RateLimitPolicy", errors);
        if (policy is not null && !policies.ContainsKey(policy))
        {
            errors.Add(new(node.ChildPath("RateLimitPolicy"), $"Rate-limit policy '{policy}' is not defined under RateLimits."));
        }

        var timeout = ItemValues.Duration(node, "Timeout", errors, TimeSpan.FromMinutes(10));
        var retry = ItemValues.Flag(node, "RetryNonIdempotent", errors);
        var maxBody = ItemValues.Size(node, "MaxRequestBodySize", errors);
        int? order = null;
        if (ItemValues.Text(node, "Order", errors) is { } orderText)
        {
            if (int.TryParse(orderText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var o)) order = o;
            else errors.Add(new(node.ChildPath("Order"), $"Order '{orderText}' is not an integer."));
        }
        var transforms = node["Transforms"] is { } t ? TransformsReader.Read(t, errors) : [];
        var canary = node["Canary"] is { } c ? CanaryRuleReader.Read(c, errors) : null;

        if (errors.Count > before || service is null || match is null) return null;
        return new RouteDefinition
        {
            Id = node.Name,
            Match = match,
            Service = service,
            Authorization = authorization,
            RateLimitPolicy = policy,
            Timeout = timeout,
            Transforms = transforms,
            RetryNonIdempotent = retry,
            MaxRequestBodySize = maxBody,
            Order = order,
            Canary = canary,
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RouteId();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();
}

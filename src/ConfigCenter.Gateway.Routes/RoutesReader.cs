using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;

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
    private static readonly string[] MatchFields = ["Path", "Hosts", "Methods", "Headers"];
    private static readonly string[] HeaderFields = ["Name", "Values", "Mode"];
    private static readonly string[] HeaderModes = ["ExactHeader", "HeaderPrefix", "Contains", "NotContains", "Exists", "NotExists"];
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];
    private static readonly string[] CanaryFields = ["Version", "Percent", "Header", "HeaderPattern", "Cookie", "CookiePattern"];
    private static readonly string[] JwtFields = ["Authority", "Issuer", "Audience", "SigningKeys"];
    private static readonly string[] RateLimitFields = ["PermitLimit", "Window", "Partition"];
    private static readonly string[] LimitsFields = ["MaxRequestBodySize"];

    /// <summary>The transform keys the gateway applies (YARP's names); a transform is one of these plus its companion keys.</summary>
    private static readonly Dictionary<string, string[]> TransformKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PathPrefix"] = [],
        ["PathRemovePrefix"] = [],
        ["PathSet"] = [],
        ["PathPattern"] = [],
        ["RequestHeader"] = ["Set", "Append"],
        ["RequestHeaderRemove"] = [],
        ["RequestHeaderOriginalHost"] = [],
        ["ResponseHeader"] = ["Set", "Append", "When"],
        ["ResponseHeaderRemove"] = ["When"],
        ["QueryValueParameter"] = ["Set", "Append"],
        ["QueryRemoveParameter"] = [],
    };

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
        Unknown(root, TopLevel, errors);

        var jwt = root["Jwt"] is { } jwtNode ? ReadJwt(jwtNode, errors) : null;
        var policies = new Dictionary<string, RateLimitPolicyDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in root["RateLimits"]?.Children ?? [])
        {
            if (ReadRateLimit(node, errors) is { } policy) policies[policy.Name] = policy;
        }
        long? maxBody = null;
        if (root["Limits"] is { } limits)
        {
            Unknown(limits, LimitsFields, errors);
            maxBody = Size(limits, "MaxRequestBodySize", errors);
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
        Unknown(node, RouteFields, errors);

        var service = Text(node, "Service", errors, required: true);
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

        var match = node["Match"] is { } matchNode ? ReadMatch(matchNode, errors) : null;
        if (match is null && node["Match"] is null) errors.Add(new(node.ChildPath("Match"), "Match is required (a Path and/or Hosts)."));

        var authorization = RouteAuthorization.Anonymous;
        if (Text(node, "Authorization", errors) is { } auth)
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

        var policy = Text(node, "RateLimitPolicy", errors);
        if (policy is not null && !policies.ContainsKey(policy))
        {
            errors.Add(new(node.ChildPath("RateLimitPolicy"), $"Rate-limit policy '{policy}' is not defined under RateLimits."));
        }

        var timeout = Duration(node, "Timeout", errors, TimeSpan.FromMinutes(10));
        var retry = Flag(node, "RetryNonIdempotent", errors);
        var maxBody = Size(node, "MaxRequestBodySize", errors);
        int? order = null;
        if (Text(node, "Order", errors) is { } orderText)
        {
            if (int.TryParse(orderText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var o)) order = o;
            else errors.Add(new(node.ChildPath("Order"), $"Order '{orderText}' is not an integer."));
        }
        var transforms = node["Transforms"] is { } t ? ReadTransforms(t, errors) : [];
        var canary = node["Canary"] is { } c ? ReadCanary(c, errors) : null;

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

    private static RouteMatch? ReadMatch(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        Unknown(node, MatchFields, errors);
        var path = Text(node, "Path", errors);
        if (path is not null)
        {
            if (!path.StartsWith('/'))
            {
                errors.Add(new(node.ChildPath("Path"), $"Path '{path}' must start with '/'."));
            }
            else
            {
                try
                {
                    RoutePatternFactory.Parse(path);
                }
                catch (RoutePatternException e)
                {
                    errors.Add(new(node.ChildPath("Path"), $"Path '{path}' is not a valid route template: {e.Message}"));
                }
            }
        }
        var hosts = List(node, "Hosts", errors);
        for (var i = 0; i < hosts.Count; i++)
        {
            if (!HostName().IsMatch(hosts[i])) errors.Add(new($"{node.ChildPath("Hosts")}:{i}", $"Host '{hosts[i]}' is invalid."));
        }
        var methods = List(node, "Methods", errors);
        for (var i = 0; i < methods.Count; i++)
        {
            if (!Methods.Contains(methods[i], StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new($"{node.ChildPath("Methods")}:{i}", $"Method '{methods[i]}' is unknown: use {string.Join(", ", Methods)}."));
            }
        }
        var headers = new List<HeaderMatch>();
        if (node["Headers"] is { } headersNode)
        {
            foreach (var header in Array(headersNode, errors))
            {
                Unknown(header, HeaderFields, errors);
                var name = Text(header, "Name", errors, required: true);
                var mode = Text(header, "Mode", errors) ?? "ExactHeader";
                var canonicalMode = HeaderModes.FirstOrDefault(m => m.Equals(mode, StringComparison.OrdinalIgnoreCase));
                if (canonicalMode is null) errors.Add(new(header.ChildPath("Mode"), $"Header mode '{mode}' is unknown: use {string.Join(", ", HeaderModes)}."));
                var values = List(header, "Values", errors);
                var needsValues = canonicalMode is not ("Exists" or "NotExists");
                if (canonicalMode is not null && needsValues && values.Count == 0)
                {
                    errors.Add(new(header.ChildPath("Values"), $"Header mode {canonicalMode} needs at least one value."));
                }
                if (name is not null && canonicalMode is not null) headers.Add(new HeaderMatch(name, values, canonicalMode));
            }
        }
        if (path is null && hosts.Count == 0) errors.Add(new(node.Path, "A route needs a Path or Hosts."));
        if (errors.Count > before) return null;
        return new RouteMatch { Path = path, Hosts = hosts, Methods = [.. methods.Select(m => m.ToUpperInvariant())], Headers = headers };
    }

    private static List<IReadOnlyDictionary<string, string>> ReadTransforms(ItemTree node, List<RoutesError> errors)
    {
        var transforms = new List<IReadOnlyDictionary<string, string>>();
        foreach (var transform in Array(node, errors))
        {
            var keys = transform.Children.ToList();
            var primary = keys.Where(k => TransformKeys.ContainsKey(k.Name)).ToList();
            if (primary.Count != 1)
            {
                errors.Add(new(transform.Path, $"A transform needs exactly one of {string.Join(", ", TransformKeys.Keys)}."));
                continue;
            }
            var allowed = TransformKeys[primary[0].Name];
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in keys)
            {
                if (key != primary[0] && !allowed.Contains(key.Name, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(new(key.Path, $"'{key.Name}' does not belong to a {primary[0].Name} transform."));
                }
                else if (key.Children.Any())
                {
                    errors.Add(new(key.Path, "A transform value must be text."));
                }
                else
                {
                    values[key.Name] = key.Value ?? "";
                }
            }
            if (allowed.Length > 0 && primary[0].Name is "RequestHeader" or "ResponseHeader" or "QueryValueParameter"
                && !keys.Any(k => k.Name.Equals("Set", StringComparison.OrdinalIgnoreCase) || k.Name.Equals("Append", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new(transform.Path, $"A {primary[0].Name} transform needs Set or Append."));
            }
            if (primary[0].Name.Equals("PathPattern", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    RoutePatternFactory.Parse(primary[0].Value ?? "");
                }
                catch (RoutePatternException e)
                {
                    errors.Add(new(primary[0].Path, $"PathPattern is not a valid route template: {e.Message}"));
                }
            }
            transforms.Add(values);
        }
        return transforms;
    }

    private static CanaryRule? ReadCanary(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        Unknown(node, CanaryFields, errors);
        var version = Text(node, "Version", errors, required: true);
        double percent = 0;
        if (Text(node, "Percent", errors) is { } p)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out percent) || percent is < 0 or > 100)
            {
                errors.Add(new(node.ChildPath("Percent"), $"Percent '{p}' must be a number from 0 to 100."));
            }
        }
        var header = Text(node, "Header", errors);
        var headerPattern = Pattern(node, "HeaderPattern", errors);
        var cookie = Text(node, "Cookie", errors);
        var cookiePattern = Pattern(node, "CookiePattern", errors);
        if (headerPattern is not null && header is null) errors.Add(new(node.ChildPath("Header"), "HeaderPattern needs Header."));
        if (cookiePattern is not null && cookie is null) errors.Add(new(node.ChildPath("Cookie"), "CookiePattern needs Cookie."));
        if (errors.Count > before) return null;
        return new CanaryRule
        {
            Version = version!,
            Percent = percent,
            Header = header,
            HeaderPattern = headerPattern,
            Cookie = cookie,
            CookiePattern = cookiePattern,
        };
    }

    private static JwtSettings? ReadJwt(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        Unknown(node, JwtFields, errors);
        var authority = Text(node, "Authority", errors);
        if (authority is not null && (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add(new(node.ChildPath("Authority"), $"Authority '{authority}' is not an absolute http(s) URL."));
        }
        var issuer = Text(node, "Issuer", errors);
        var audience = Text(node, "Audience", errors, required: true);
        var keys = List(node, "SigningKeys", errors);
        for (var i = 0; i < keys.Count; i++)
        {
            var bytes = new byte[keys[i].Length];
            if (!Convert.TryFromBase64String(keys[i], bytes, out var length) || length < 32)
            {
                errors.Add(new($"{node.ChildPath("SigningKeys")}:{i}", "A signing key must be base64 of at least 32 bytes."));
            }
        }
        if (authority is null && keys.Count == 0)
        {
            errors.Add(new(node.ChildPath("SigningKeys"), "Jwt needs an Authority or SigningKeys."));
        }
        if (authority is null && keys.Count > 0 && issuer is null)
        {
            errors.Add(new(node.ChildPath("Issuer"), "Jwt with SigningKeys needs an Issuer."));
        }
        if (errors.Count > before) return null;
        return new JwtSettings { Authority = authority, Issuer = issuer, Audience = audience!, SigningKeys = keys };
    }

    private static RateLimitPolicyDefinition? ReadRateLimit(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        Unknown(node, RateLimitFields, errors);
        var limitText = Text(node, "PermitLimit", errors, required: true);
        var limit = 0;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit <= 0))
        {
            errors.Add(new(node.ChildPath("PermitLimit"), $"PermitLimit '{limitText}' must be a positive integer."));
        }
        var window = Duration(node, "Window", errors, TimeSpan.FromDays(1));
        if (window is null && node["Window"] is null) errors.Add(new(node.ChildPath("Window"), "Window is required (e.g. 00:00:01)."));
        var partition = RateLimitPartition.Route;
        if (Text(node, "Partition", errors) is { } p)
        {
            if (p.Equals("route", StringComparison.OrdinalIgnoreCase)) partition = RateLimitPartition.Route;
            else if (p.Equals("caller", StringComparison.OrdinalIgnoreCase)) partition = RateLimitPartition.Caller;
            else errors.Add(new(node.ChildPath("Partition"), $"Partition '{p}' is unknown: use route or caller."));
        }
        if (errors.Count > before || window is null) return null;
        return new RateLimitPolicyDefinition { Name = node.Name, PermitLimit = limit, Window = window.Value, Partition = partition };
    }

    private static void Unknown(ItemTree node, string[] known, List<RoutesError> errors)
    {
        foreach (var child in node.Children)
        {
            if (!known.Contains(child.Name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new(child.Path, $"Unknown field '{child.Name}': expected {string.Join(", ", known)}."));
            }
        }
    }

    private static string? Text(ItemTree node, string name, List<RoutesError> errors, bool required = false)
    {
        var child = node[name];
        if (child is null || (child.Value is null && !child.Children.Any()))
        {
            if (required) errors.Add(new(node.ChildPath(name), $"{name} is required."));
            return null;
        }
        if (child.Children.Any())
        {
            errors.Add(new(child.Path, $"{name} must be a single value."));
            return null;
        }
        if (string.IsNullOrWhiteSpace(child.Value))
        {
            if (required) errors.Add(new(child.Path, $"{name} must not be empty."));
            return null;
        }
        return child.Value.Trim();
    }

    private static IReadOnlyList<ItemTree> Array(ItemTree node, List<RoutesError> errors)
    {
        if (node.AsArray() is { } array) return array;
        errors.Add(new(node.Path, $"{node.Name} must be a list."));
        return [];
    }

    private static List<string> List(ItemTree node, string name, List<RoutesError> errors)
    {
        var child = node[name];
        if (child is null) return [];
        if (!child.Children.Any()) return string.IsNullOrWhiteSpace(child.Value) ? [] : [child.Value.Trim()];
        var values = new List<string>();
        foreach (var item in Array(child, errors))
        {
            if (item.Children.Any() || string.IsNullOrWhiteSpace(item.Value)) errors.Add(new(item.Path, "A list entry must be a non-empty value."));
            else values.Add(item.Value.Trim());
        }
        return values;
    }

    private static TimeSpan? Duration(ItemTree node, string name, List<RoutesError> errors, TimeSpan max)
    {
        if (Text(node, name, errors) is not { } text) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= max) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be a duration like 00:00:30, above zero and at most {max:c}."));
        return null;
    }

    private static bool Flag(ItemTree node, string name, List<RoutesError> errors)
    {
        if (Text(node, name, errors) is not { } text) return false;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be true or false."));
        return false;
    }

    private static long? Size(ItemTree node, string name, List<RoutesError> errors)
    {
        if (Text(node, name, errors) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be a positive number of bytes."));
        return null;
    }

    private static string? Pattern(ItemTree node, string name, List<RoutesError> errors)
    {
        if (Text(node, name, errors) is not { } pattern) return null;
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return pattern;
        }
        catch (ArgumentException e)
        {
            errors.Add(new(node.ChildPath(name), $"{name} is not a valid regular expression: {e.Message}"));
            return null;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RouteId();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ConfigCenter.Gateway.Routes;

/// <summary>Reads a route's <c>Match</c>: path template, hosts, methods and header matches.</summary>
internal static partial class RouteMatchReader
{
    private static readonly string[] MatchFields = ["Path", "Hosts", "Methods", "Headers"];
    private static readonly string[] HeaderFields = ["Name", "Values", "Mode"];
    private static readonly string[] HeaderModes = ["ExactHeader", "HeaderPrefix", "Contains", "NotContains", "Exists", "NotExists"];
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

    public static RouteMatch? Read(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        ItemValues.Unknown(node, MatchFields, errors);
        var path = ItemValues.Text(node, "Path", errors);
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
        var hosts = ItemValues.List(node, "Hosts", errors);
        for (var i = 0; i < hosts.Count; i++)
        {
            if (!HostName().IsMatch(hosts[i])) errors.Add(new($"{node.ChildPath("Hosts")}:{i}", $"Host '{hosts[i]}' is invalid."));
        }
        var methods = ItemValues.List(node, "Methods", errors);
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
            foreach (var header in ItemValues.Array(headersNode, errors))
            {
                ItemValues.Unknown(header, HeaderFields, errors);
                var name = ItemValues.Text(header, "Name", errors, required: true);
                var mode = ItemValues.Text(header, "Mode", errors) ?? "ExactHeader";
                var canonicalMode = HeaderModes.FirstOrDefault(m => m.Equals(mode, StringComparison.OrdinalIgnoreCase));
                if (canonicalMode is null) errors.Add(new(header.ChildPath("Mode"), $"Header mode '{mode}' is unknown: use {string.Join(", ", HeaderModes)}."));
                var values = ItemValues.List(header, "Values", errors);
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

    [GeneratedRegex(@"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}

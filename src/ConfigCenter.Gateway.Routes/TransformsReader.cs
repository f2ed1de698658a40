using Microsoft.AspNetCore.Routing.Patterns;

namespace ConfigCenter.Gateway.Routes;

/// <summary>Reads a route's <c>Transforms</c>: each one of YARP's transform keys with its companion keys.</summary>
internal static class TransformsReader
{
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

    public static List<IReadOnlyDictionary<string, string>> Read(ItemTree node, List<RoutesError> errors)
    {
        var transforms = new List<IReadOnlyDictionary<string, string>>();
        foreach (var transform in ItemValues.Array(node, errors))
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
}

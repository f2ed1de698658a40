using System.Globalization;

namespace ConfigCenter.Gateway.Routes;

/// <summary>Reads one policy under the namespace's <c>RateLimits</c>.</summary>
internal static class RateLimitPolicyReader
{
    private static readonly string[] RateLimitFields = ["PermitLimit", "Window", "Partition"];

    public static RateLimitPolicyDefinition? Read(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        ItemValues.Unknown(node, RateLimitFields, errors);
        var limitText = ItemValues.Text(node, "PermitLimit", errors, required: true);
        var limit = 0;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit <= 0))
        {
            errors.Add(new(node.ChildPath("PermitLimit"), $"PermitLimit '{limitText}' must be a positive integer."));
        }
        var window = ItemValues.Duration(node, "Window", errors, TimeSpan.FromDays(1));
        if (window is null && node["Window"] is null) errors.Add(new(node.ChildPath("Window"), "Window is required (e.g. 00:00:01)."));
        var partition = RateLimitPartition.Route;
        if (ItemValues.Text(node, "Partition", errors) is { } p)
        {
            if (p.Equals("route", StringComparison.OrdinalIgnoreCase)) partition = RateLimitPartition.Route;
            else if (p.Equals("caller", StringComparison.OrdinalIgnoreCase)) partition = RateLimitPartition.Caller;
            else errors.Add(new(node.ChildPath("Partition"), $"Partition '{p}' is unknown: use route or caller."));
        }
        if (errors.Count > before || window is null) return null;
        return new RateLimitPolicyDefinition { Name = node.Name, PermitLimit = limit, Window = window.Value, Partition = partition };
    }
}

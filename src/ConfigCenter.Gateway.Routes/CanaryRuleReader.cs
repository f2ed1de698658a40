using System.Globalization;

namespace ConfigCenter.Gateway.Routes;

/// <summary>Reads a route's <c>Canary</c>: the canary version, its share and its header/cookie rules.</summary>
internal static class CanaryRuleReader
{
    private static readonly string[] CanaryFields = ["Version", "Percent", "Header", "HeaderPattern", "Cookie", "CookiePattern"];

    public static CanaryRule? Read(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        ItemValues.Unknown(node, CanaryFields, errors);
        var version = ItemValues.Text(node, "Version", errors, required: true);
        double percent = 0;
        if (ItemValues.Text(node, "Percent", errors) is { } p)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out percent) || percent is < 0 or > 100)
            {
                errors.Add(new(node.ChildPath("Percent"), $"Percent '{p}' must be a number from 0 to 100."));
            }
        }
        var header = ItemValues.Text(node, "Header", errors);
        var headerPattern = ItemValues.Pattern(node, "HeaderPattern", errors);
        var cookie = ItemValues.Text(node, "Cookie", errors);
        var cookiePattern = ItemValues.Pattern(node, "CookiePattern", errors);
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
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace ConfigCenter.Gateway.Routes;

/// <summary>
/// The typed values of a routes namespace's items (text, list, duration, flag, size, regular expression) and the
/// unknown-field check; each problem is added to the errors with the item's path, and the value is then null/default.
/// </summary>
internal static class ItemValues
{
    internal static void Unknown(ItemTree node, string[] known, List<RoutesError> errors)
    {
        foreach (var child in node.Children)
        {
            if (!known.Contains(child.Name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new(child.Path, $"Unknown field '{child.Name}': expected {string.Join(", ", known)}."));
            }
        }
    }

    internal static string? Text(ItemTree node, string name, List<RoutesError> errors, bool required = false)
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

    internal static IReadOnlyList<ItemTree> Array(ItemTree node, List<RoutesError> errors)
    {
        if (node.AsArray() is { } array) return array;
        errors.Add(new(node.Path, $"{node.Name} must be a list."));
        return [];
    }

    internal static List<string> List(ItemTree node, string name, List<RoutesError> errors)
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

    internal static TimeSpan? Duration(ItemTree node, string name, List<RoutesError> errors, TimeSpan max)
    {
        if (Text(node, name, errors) is not { } text) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= max) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be a duration like 00:00:30, above zero and at most {max:c}."));
        return null;
    }

    internal static bool Flag(ItemTree node, string name, List<RoutesError> errors)
    {
        if (Text(node, name, errors) is not { } text) return false;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be true or false."));
        return false;
    }

    internal static long? Size(ItemTree node, string name, List<RoutesError> errors)
    {
        if (Text(node, name, errors) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        errors.Add(new(node.ChildPath(name), $"{name} '{text}' must be a positive number of bytes."));
        return null;
    }

    internal static string? Pattern(ItemTree node, string name, List<RoutesError> errors)
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
}

using ConfigCenter.Core;

namespace ConfigCenter.Cli;

/// <summary>key=value lines; '#' and '!' start comments. Only what `pull` writes and people type, not all of Java's escapes.</summary>
internal static class PropertiesFile
{
    public static FlattenResult Parse(string text)
    {
        var items = new Dictionary<string, string?>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return new FlattenResult(null, new ValidationError("content", $"Expected key=value, got '{line}'.", i + 1, 1));
            var key = line[..equals].Trim();
            if (ConfigKeys.Validate(key) is { } error) return new FlattenResult(null, error with { Line = i + 1, Column = 1 });
            items[key] = line[(equals + 1)..].Trim();
        }
        return new FlattenResult(items, null);
    }

    public static string Write(IReadOnlyDictionary<string, string?> items) =>
        string.Concat(items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={i.Value}\n"));
}

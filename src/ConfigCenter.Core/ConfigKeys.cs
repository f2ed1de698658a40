using System.Globalization;

namespace ConfigCenter.Core;

/// <summary>
/// Rules for configuration keys, which follow Microsoft.Extensions.Configuration: segments joined
/// by ':' and compared case-insensitively.
/// </summary>
public static class ConfigKeys
{
    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>How keys compare everywhere: the same way IConfiguration looks them up.</summary>
    public static StringComparer Comparer { get; } = StringComparer.OrdinalIgnoreCase;

    /// <summary>Checks one key; null when valid.</summary>
    public static ValidationError? Validate(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return Error("A key is required.");
        }

        if (key.Length > MaxKeyLength)
        {
            return Error($"Key '{key[..40]}…' is {key.Length} characters long; the limit is {MaxKeyLength}.");
        }

        // Checked before the segment rules so the message can quote the key without control characters.
        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                var code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
                return Error($"Key '{Printable(key)}' contains a control character (U+{code}).");
            }
        }

        if (key.StartsWith(':') || key.EndsWith(':'))
        {
            return Error($"Key '{key}' starts or ends with ':'; a section separator needs a name on both sides.");
        }

        foreach (var segment in key.Split(':'))
        {
            if (segment.Length == 0)
            {
                return Error($"Key '{key}' has an empty segment between ':' separators.");
            }

            // "Pool: Size" would bind to a property named " Size", which nobody can see in the editor.
            if (char.IsWhiteSpace(segment[0]) || char.IsWhiteSpace(segment[^1]))
            {
                return Error($"Key '{key}' has a segment with leading or trailing whitespace ('{segment}').");
            }
        }

        return null;
    }

    /// <summary>The first two keys that differ only by case, as an error naming both; otherwise null.</summary>
    public static ValidationError? FindCaseConflict(IEnumerable<string> keys)
    {
        var seen = new Dictionary<string, string>(Comparer);
        foreach (var key in keys)
        {
            if (!seen.TryAdd(key, key) && !string.Equals(seen[key], key, StringComparison.Ordinal))
            {
                return Error(
                    $"Keys '{seen[key]}' and '{key}' differ only by case; configuration keys are case-insensitive, so one would hide the other.");
            }
        }

        return null;
    }

    private static ValidationError Error(string message) => new("key", message);

    private static string Printable(string key) =>
        string.Concat(key.Select(c => char.IsControl(c) ? "?" : c.ToString()));
}

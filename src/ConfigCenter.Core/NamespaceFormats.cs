namespace ConfigCenter.Core;

/// <summary>Conversions between <see cref="NamespaceFormat"/> and its wire name.</summary>
public static class NamespaceFormats
{
    /// <summary>Parses "properties", "json" or "yaml", ignoring case.</summary>
    public static bool TryParse(string? value, out NamespaceFormat format)
    {
        // Enum.TryParse would also accept numbers ("1") and names we never put on the wire.
        switch (value?.Trim().ToLowerInvariant())
        {
            case "properties":
                format = NamespaceFormat.Properties;
                return true;
            case "json":
                format = NamespaceFormat.Json;
                return true;
            case "yaml":
                format = NamespaceFormat.Yaml;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The lowercase wire name used in the REST API and in release documents.</summary>
    public static string ToWire(this NamespaceFormat format) => format switch
    {
        NamespaceFormat.Properties => "properties",
        NamespaceFormat.Json => "json",
        NamespaceFormat.Yaml => "yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown namespace format."),
    };
}

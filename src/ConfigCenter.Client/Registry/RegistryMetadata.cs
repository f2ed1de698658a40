using System.Globalization;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// Well-known metadata keys of a <see cref="RegistryEntry"/>. They live in the metadata rather than as new entry
/// fields so entries written before them stay readable and older readers ignore them.
/// </summary>
internal static class RegistryMetadata
{
    public const string Version = "version";
    public const string Zone = "zone";
    public const string Weight = "weight";
    public const string Draining = "draining";

    /// <summary>In rotation: a registered service (not a config client's presence), weight above 0 (or none given) and not draining.</summary>
    public static bool InRotation(RegistryEntry entry) =>
        !PresenceMetadata.IsPresence(entry)
        && !(entry.Metadata.TryGetValue(Draining, out var draining) && string.Equals(draining, "true", StringComparison.OrdinalIgnoreCase))
        && !(entry.Metadata.TryGetValue(Weight, out var weight) && int.TryParse(weight, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w <= 0);
}

using System.Globalization;
using ConfigCenter.Contracts;

namespace ConfigCenter.Server.Features.Registry;

/// <summary>
/// The protection state of one service as its clients' discovery sees it: which instances are in rotation (registered,
/// not a presence entry, not draining, weight above 0), the share of them passing, and whether that share is below the
/// protection threshold the instances registered (the highest one when they differ), so discovery returns them all.
/// </summary>
internal sealed record ServiceProtection(int Discoverable, int Passing, double? HealthyShare, double Threshold, bool Active)
{
    public static ServiceProtection Of(IReadOnlyList<RegistryEntry> instances)
    {
        var inRotation = instances.Where(InRotation).ToList();
        var passing = inRotation.Count(i => i.Health == "passing");
        var threshold = instances.Where(i => !PresenceMetadata.IsPresence(i)).Select(i => i.ProtectionThreshold ?? 0).DefaultIfEmpty(0).Max();
        double? share = inRotation.Count == 0 ? null : (double)passing / inRotation.Count;
        return new ServiceProtection(inRotation.Count, passing, share, threshold, threshold > 0 && share < threshold);
    }

    /// <summary>The client's rule (ConfigCenter.Client's RegistryMetadata.InRotation), repeated here: the server does not reference the client.</summary>
    public static bool InRotation(RegistryEntry entry) =>
        !PresenceMetadata.IsPresence(entry)
        && !(entry.Metadata.TryGetValue(PresenceMetadata.Draining, out var draining) && string.Equals(draining, "true", StringComparison.OrdinalIgnoreCase))
        && !(entry.Metadata.TryGetValue("weight", out var weight) && int.TryParse(weight, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w <= 0);
}

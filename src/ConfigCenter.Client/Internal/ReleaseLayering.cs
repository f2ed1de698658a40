using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Internal;

/// <summary>Builds the provider's data from per-namespace releases and diffs two releases.</summary>
internal static class ReleaseLayering
{
    /// <summary>Layers the releases in namespace order: later namespaces override earlier ones; keys are case-insensitive.</summary>
    public static Dictionary<string, string?> Merge(IEnumerable<string> namespaceOrder, IReadOnlyDictionary<string, ReleaseDocument> releases,
        SecretOpener? secrets = null)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var ns in namespaceOrder)
        {
            if (!releases.TryGetValue(ns, out var release)) continue;
            var items = release.Items;
            if (release.SecretKeys.Count > 0)
            {
                // The applier accepted only releases these keys open; failing here would mean the keys changed under us.
                if (secrets is null) throw new InvalidOperationException($"ConfigCenter cannot decrypt the secrets of namespace '{ns}': no secret keys are configured.");
                if (!secrets.TryOpen(release, out items, out var error)) throw new InvalidOperationException(error);
            }
            foreach (var (key, value) in items) data[key] = value;
        }
        return data;
    }

    /// <summary>The keys added, changed or removed between two item sets (case-insensitive, sorted).</summary>
    public static IReadOnlyList<string> ChangedKeys(IReadOnlyDictionary<string, string?>? before, IReadOnlyDictionary<string, string?> after)
    {
        var old = before is null
            ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string?>(before, StringComparer.OrdinalIgnoreCase);
        var changed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in after)
        {
            if (!old.Remove(key, out var previous) || !string.Equals(previous, value, StringComparison.Ordinal)) changed.Add(key);
        }
        foreach (var key in old.Keys) changed.Add(key);
        return [.. changed];
    }
}

using ConfigCenter.Core;

namespace ConfigCenter.Server.Features.Secrets;

/// <summary>How secret values look wherever they are shown: API responses, pages, diffs, exports and the audit trail.</summary>
internal static class SecretMasking
{
    public const string Masked = "******";

    /// <summary>The items with every secret key's value masked (keys compared case-insensitively, as configuration does).</summary>
    public static IReadOnlyDictionary<string, string?> Items(IReadOnlyDictionary<string, string?> items, IReadOnlyCollection<string> secretKeys)
    {
        if (secretKeys.Count == 0) return items;
        var secret = new HashSet<string>(secretKeys, StringComparer.OrdinalIgnoreCase);
        var masked = new Dictionary<string, string?>(items.Count, StringComparer.Ordinal);
        foreach (var (key, value) in items) masked[key] = secret.Contains(key) && value is not null ? Masked : value;
        return masked;
    }

    /// <summary>A diff with the values of secret keys masked on both sides (the diff itself was computed on the envelopes).</summary>
    public static ItemsDiff Diff(ItemsDiff diff, IReadOnlyCollection<string> secretKeys)
    {
        if (secretKeys.Count == 0) return diff;
        var secret = new HashSet<string>(secretKeys, StringComparer.OrdinalIgnoreCase);
        DiffEntry Mask(DiffEntry e) => secret.Contains(e.Key)
            ? e with { OldValue = e.OldValue is null ? null : Masked, NewValue = e.NewValue is null ? null : Masked }
            : e;
        return new ItemsDiff([.. diff.Added.Select(Mask)], [.. diff.Changed.Select(Mask)], [.. diff.Removed.Select(Mask)]);
    }
}

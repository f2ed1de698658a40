namespace ConfigCenter.Core;

/// <summary>Compares two sets of flat items the way a client would experience the change.</summary>
public static class ItemsDiffer
{
    /// <summary>
    /// Keys match case-insensitively, as IConfiguration looks them up; a key whose only change is
    /// its case still counts as changed, because binding to a record with that name would differ.
    /// </summary>
    public static ItemsDiff Compare(IReadOnlyDictionary<string, string?> oldItems, IReadOnlyDictionary<string, string?> newItems)
    {
        ArgumentNullException.ThrowIfNull(oldItems);
        ArgumentNullException.ThrowIfNull(newItems);

        // Re-keyed because the callers' dictionaries may be ordinal.
        var oldByKey = Index(oldItems);
        var newByKey = Index(newItems);

        var added = new List<DiffEntry>();
        var changed = new List<DiffEntry>();
        foreach (var (key, (newKey, newValue)) in newByKey)
        {
            if (!oldByKey.TryGetValue(key, out var old))
            {
                added.Add(new DiffEntry(newKey, null, newValue));
            }
            else if (!string.Equals(old.Value, newValue, StringComparison.Ordinal)
                     || !string.Equals(old.Key, newKey, StringComparison.Ordinal))
            {
                changed.Add(new DiffEntry(newKey, old.Value, newValue));
            }
        }

        var removed = oldByKey
            .Where(pair => !newByKey.ContainsKey(pair.Key))
            .Select(pair => new DiffEntry(pair.Value.Key, pair.Value.Value, null))
            .ToList();

        return new ItemsDiff(Sorted(added), Sorted(changed), Sorted(removed));
    }

    private static Dictionary<string, (string Key, string? Value)> Index(IReadOnlyDictionary<string, string?> items)
    {
        var index = new Dictionary<string, (string Key, string? Value)>(ConfigKeys.Comparer);
        foreach (var (key, value) in items)
        {
            index[key] = (key, value);
        }

        return index;
    }

    // Ordinal as a tie-break keeps the order stable when two keys differ only by case.
    private static List<DiffEntry> Sorted(List<DiffEntry> entries) =>
        [.. entries.OrderBy(e => e.Key, ConfigKeys.Comparer).ThenBy(e => e.Key, StringComparer.Ordinal)];
}

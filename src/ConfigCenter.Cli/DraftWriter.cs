using ConfigCenter.Cli.Api;
using ConfigCenter.Core;

namespace ConfigCenter.Cli;

/// <summary>Brings a draft to a desired set of items with the fewest writes; writes nothing when they already match.</summary>
internal static class DraftWriter
{
    /// <summary>The current items with <paramref name="overlay"/> on top: what a write without --prune aims for.</summary>
    public static IReadOnlyDictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> current, IReadOnlyDictionary<string, string?> overlay)
    {
        var merged = new Dictionary<string, string?>(ConfigKeys.Comparer);
        foreach (var (key, value) in current) merged[key] = value;
        foreach (var (key, value) in overlay)
        {
            merged.Remove(key); // a key whose case changed takes the file's spelling
            merged[key] = value;
        }
        return merged.ToDictionary(StringComparer.Ordinal);
    }

    public static async Task<ItemsDiff> WriteAsync(ConfigCenterApi api, NamespaceRef target, DraftView draft,
        IReadOnlyDictionary<string, string?> current, IReadOnlyDictionary<string, string?> desired, ConfigFile? source, CancellationToken ct)
    {
        var diff = ItemsDiffer.Compare(current, desired);
        if (IsEmpty(diff)) return diff;
        // Every write carries the ETag of the draft as read (then as left by our previous write), so an edit made
        // by someone else in between fails with 412 instead of being overwritten.
        var etag = draft.ETag;
        if (!NamespaceFormats.TryParse(draft.Format, out var format) || format == NamespaceFormat.Properties)
        {
            foreach (var entry in diff.Removed) etag = await api.DeleteItemAsync(target, entry.Key, ct, etag);
            foreach (var entry in diff.Changed.Where(e => current.ContainsKey(e.Key) is false))
            {
                // Only the case changed: the old spelling must go, or the server keeps both.
                var old = current.Keys.First(k => ConfigKeys.Comparer.Equals(k, entry.Key));
                etag = await api.DeleteItemAsync(target, old, ct, etag);
            }
            foreach (var entry in diff.Added.Concat(diff.Changed)) etag = await api.SetItemAsync(target, entry.Key, entry.NewValue, null, ct, etag);
            return diff;
        }
        // A file in the namespace's own format is stored as written (comments and order kept), when it is the whole desired state.
        var content = source is not null && source.Format == format && SameItems(source.Items, desired)
            ? source.Text
            : format == NamespaceFormat.Json ? ConfigExporter.ToJson(desired) : ConfigExporter.ToYaml(desired);
        await api.SetContentAsync(target, content, ct, etag);
        return diff;
    }

    public static bool IsEmpty(ItemsDiff diff) => diff.Added.Count == 0 && diff.Changed.Count == 0 && diff.Removed.Count == 0;

    private static bool SameItems(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b) => IsEmpty(ItemsDiffer.Compare(a, b));
}

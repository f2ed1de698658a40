using ConfigCenter.Core;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>
/// One namespace in one environment as the draft view, the publish preview and publish see it: the namespace, its
/// draft and its newest release (without items), loaded together. The one place that decides what a draft would
/// publish and whether it differs from what is live.
/// </summary>
internal sealed record NamespaceState(NamespaceEntity Namespace, string Environment, DraftEntity? Draft, ReleaseHead? Head)
{
    public static async Task<NamespaceState> LoadAsync(ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct)
    {
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var draft = await DraftSnapshot.FindAsync(db, app, env, ns, ct);
        var head = await ReleaseQueries.HeadAsync(db, app, env, ns, ct);
        return new NamespaceState(entity, env, draft, head);
    }

    public NamespaceFormat Format => Namespace.Format;

    public string Content => Draft?.Content ?? "";

    /// <summary>The draft's properties items, sorted by key (case-insensitively) as the editor shows them.</summary>
    public IReadOnlyList<DraftItem> Items { get; } = [.. (Draft?.Items ?? []).OrderBy(i => i.Key, StringComparer.OrdinalIgnoreCase)
        .Select(i => new DraftItem(i.Key, i.Value, i.Comment, i.IsSecret))];

    /// <summary>True when publishing would change what is live.</summary>
    public bool HasChanges => HasChangesFrom(Format, Items, Content, Head);

    /// <summary>The flat items the draft would publish: properties as they are, a json/yaml document flattened (or its error).</summary>
    public FlattenResult PublishableItems() => DraftSnapshot.Items(Format, Draft);

    /// <summary>Whether a draft (items for properties, content for documents) differs from the newest release.</summary>
    public static bool HasChangesFrom(NamespaceFormat format, IReadOnlyList<DraftItem> items, string content, ReleaseHead? head)
    {
        if (head is null) return format == NamespaceFormat.Properties ? items.Count > 0 : content.Length > 0;
        if (format != NamespaceFormat.Properties) return !string.Equals(content, head.Content, StringComparison.Ordinal);
        var checksum = Contracts.ReleaseChecksum.Compute(items.Select(i => KeyValuePair.Create(i.Key, i.Value)));
        return !string.Equals(checksum, head.Checksum, StringComparison.Ordinal);
    }
}

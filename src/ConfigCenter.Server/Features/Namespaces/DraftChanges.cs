using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>
/// Changes a draft inside the caller's unit of work; used by item edits, imports and rollbacks alike, so every change
/// loads the draft the same way, keeps item rows by their case-insensitive key and bumps the version once.
/// </summary>
internal static class DraftChanges
{
    /// <summary>The tracked draft with its items, created (empty, version 0) when the namespace has none yet.</summary>
    public static async Task<DraftEntity> LoadForEditAsync(ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct)
    {
        var draft = await db.Drafts.Include(d => d.Items)
            .FirstOrDefaultAsync(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns, ct);
        if (draft is not null) return draft;
        draft = new DraftEntity { AppId = app, EnvironmentId = env, Namespace = ns };
        db.Drafts.Add(draft);
        return draft;
    }

    /// <summary>Makes the draft's items exactly <paramref name="items"/>, updating rows whose key (ignoring case) stays.</summary>
    public static void ReplaceItems(ConfigCenterDbContext db, DraftEntity draft, IEnumerable<DraftItem> items)
    {
        var byKey = draft.Items.ToDictionary(i => i.NormalizedKey, StringComparer.Ordinal);
        var wanted = items.ToDictionary(i => i.Key.ToUpperInvariant(), StringComparer.Ordinal);
        foreach (var gone in draft.Items.Where(i => !wanted.ContainsKey(i.NormalizedKey)).ToList())
        {
            draft.Items.Remove(gone);
            db.DraftItems.Remove(gone);
        }
        foreach (var (normalized, item) in wanted)
        {
            if (byKey.TryGetValue(normalized, out var existing))
            {
                existing.Key = item.Key;
                existing.Value = item.Value;
                existing.Comment = item.Comment;
                existing.IsSecret = item.Secret;
            }
            else
            {
                draft.Items.Add(new DraftItemEntity { Key = item.Key, NormalizedKey = normalized, Value = item.Value, Comment = item.Comment, IsSecret = item.Secret });
            }
        }
    }

    /// <summary>Records who changed the draft and bumps its version (If-Match compares it).</summary>
    public static void Touch(DraftEntity draft, string user, DateTimeOffset at)
    {
        draft.Version++;
        draft.UpdatedAt = at;
        draft.UpdatedBy = user;
    }
}

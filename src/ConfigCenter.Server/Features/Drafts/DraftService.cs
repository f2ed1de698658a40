using ConfigCenter.Core;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Drafts;

/// <summary>
/// Edits drafts. Every edit bumps the draft's version; a caller that passes the version it read
/// (If-Match) gets 412 instead of overwriting someone else's edit.
/// </summary>
public sealed class DraftService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    DraftNotifier notifier,
    TimeProvider time)
{
    public async Task<DraftView> GetAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, app, env, ns, ct);
        return new DraftView(state.Format.ToWire(), state.Items, state.Content, state.Head?.Revision, state.HasChanges, state.Draft?.Version ?? 0);
    }

    public async Task<(DraftItem Item, bool Created, long Version)> SetItemAsync(
        string app, string env, string ns, string key, SetItemRequest request, long? ifMatch, string user, CancellationToken ct)
    {
        if (ConfigKeys.Validate(key) is { } error) throw ConfigCenterException.Invalid(error);
        if (request.Value is { Length: > DocumentLimits.MaxDocumentBytes })
            throw ConfigCenterException.Invalid("value", $"The value is {request.Value.Length} characters; the limit is {DocumentLimits.MaxDocumentBytes}.");
        if (FieldLimits.Check(request.Comment, "comment", "The comment", FieldLimits.MaxComment) is { } comment) throw ConfigCenterException.Invalid(comment);
        var created = false;
        var version = await EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var normalized = key.ToUpperInvariant();
            var existing = draft.Items.FirstOrDefault(i => i.NormalizedKey == normalized);
            if (existing is not null && !string.Equals(existing.Key, key, StringComparison.Ordinal))
            {
                throw ConfigCenterException.Conflict(
                    $"Key '{key}' differs only by case from the existing key '{existing.Key}'; configuration keys are case-insensitive.",
                    new ValidationError("key", $"Key '{key}' conflicts with '{existing.Key}'."));
            }
            // Assigned on every attempt: after a lost race the retry finds the winner's item and this is an update.
            created = existing is null;
            var before = existing is null ? null : new { existing.Key, Value = AuditMasking.Value(key, existing.Value), existing.Comment };
            if (existing is null)
            {
                draft.Items.Add(new DraftItemEntity { Key = key, NormalizedKey = normalized, Value = request.Value, Comment = request.Comment ?? "" });
            }
            else
            {
                existing.Value = request.Value;
                existing.Comment = request.Comment ?? "";
            }
            AuditLog.Record(db, time.GetUtcNow(), user, created ? "item.add" : "item.set", $"{app}/{env}/{ns}/{key}",
                before: before, after: new { Key = key, Value = AuditMasking.Value(key, request.Value), Comment = request.Comment ?? "" });
        });
        return (new DraftItem(key, request.Value, request.Comment ?? ""), created, version);
    }

    public Task<long> DeleteItemAsync(string app, string env, string ns, string key, long? ifMatch, string user, CancellationToken ct) =>
        EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var normalized = key.ToUpperInvariant();
            var existing = draft.Items.FirstOrDefault(i => i.NormalizedKey == normalized)
                ?? throw ConfigCenterException.NotFound($"The draft of {app}/{env}/{ns} has no key '{key}'.");
            draft.Items.Remove(existing);
            db.DraftItems.Remove(existing);
            AuditLog.Record(db, time.GetUtcNow(), user, "item.delete", $"{app}/{env}/{ns}/{key}",
                before: new { existing.Key, Value = AuditMasking.Value(existing.Key, existing.Value), existing.Comment });
        });

    /// <summary>Replaces every item of a properties draft at once (import, bulk edit).</summary>
    public Task<long> ReplaceItemsAsync(string app, string env, string ns, IReadOnlyList<DraftItem> items, long? ifMatch, string user, CancellationToken ct)
    {
        foreach (var item in items)
        {
            if (ConfigKeys.Validate(item.Key) is { } error) throw ConfigCenterException.Invalid(error);
            if (FieldLimits.Check(item.Comment, "comment", $"The comment of '{item.Key}'", FieldLimits.MaxComment) is { } comment)
                throw ConfigCenterException.Invalid(comment);
            if (FieldLimits.Check(item.Value, "value", $"The value of '{item.Key}'", DocumentLimits.MaxDocumentBytes) is { } value)
                throw ConfigCenterException.Invalid(value);
        }
        if (ConfigKeys.FindCaseConflict(items.Select(i => i.Key)) is { } conflict) throw ConfigCenterException.Invalid(conflict);
        return EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var before = AuditMasking.Items(draft.Items.Select(i => KeyValuePair.Create(i.Key, i.Value)));
            DraftChanges.ReplaceItems(db, draft, items);
            AuditLog.Record(db, time.GetUtcNow(), user, "items.replace", $"{app}/{env}/{ns}", $"{items.Count} keys",
                before: before, after: AuditMasking.Items(items.Select(i => KeyValuePair.Create(i.Key, i.Value))));
        });
    }

    public Task<long> SetContentAsync(string app, string env, string ns, string? content, long? ifMatch, string user, CancellationToken ct) =>
        EditAsync(app, env, ns, null, ifMatch, user, ct, (db, draft) =>
        {
            AuditLog.Record(db, time.GetUtcNow(), user, "content.set", $"{app}/{env}/{ns}",
                before: AuditMasking.Document(draft.Content), after: AuditMasking.Document(content ?? ""));
            draft.Content = content ?? "";
        }, validateContent: content ?? "");

    /// <summary>
    /// Loads (or creates) the draft, checks If-Match and the namespace format, applies the edit and bumps
    /// the version in one transaction. Returns the new version.
    /// </summary>
    private async Task<long> EditAsync(string app, string env, string ns, NamespaceFormat? requiredFormat, long? ifMatch, string user,
        CancellationToken ct, Action<ConfigCenterDbContext, DraftEntity> edit, string? validateContent = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EditOnceAsync(app, env, ns, requiredFormat, ifMatch, user, ct, edit, validateContent);
            }
            catch (Exception e) when (WriteRaces.IsRace(e) && ifMatch is null && attempt < WriteRaces.MaxAttempts)
            {
                // Someone else saved this draft first; without If-Match the edit applies on top of theirs.
                await WriteRaces.BackoffAsync(attempt);
            }
            catch (Exception e) when (WriteRaces.IsRace(e))
            {
                throw ConfigCenterException.StaleVersion(await CurrentVersionAsync(app, env, ns, ct));
            }
        }
    }

    private async Task<long> CurrentVersionAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.Drafts.Where(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns).Select(d => d.Version).FirstOrDefaultAsync(ct);
    }

    private async Task<long> EditOnceAsync(string app, string env, string ns, NamespaceFormat? requiredFormat, long? ifMatch, string user,
        CancellationToken ct, Action<ConfigCenterDbContext, DraftEntity> edit, string? validateContent)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var format = entity.Format;
        if (requiredFormat is { } required && format != required)
            throw ConfigCenterException.Invalid("format", $"Namespace '{ns}' is a {format.ToWire()} document; edit it with PUT …/content.");
        if (validateContent is not null)
        {
            if (format == NamespaceFormat.Properties)
                throw ConfigCenterException.Invalid("format", $"Namespace '{ns}' holds properties; edit its keys with PUT …/items/{{key}}.");
            var flattened = DocumentFlattener.Flatten(format, validateContent);
            if (flattened.Error is { } error) throw ConfigCenterException.Invalid(error);
        }
        var draft = await DraftChanges.LoadForEditAsync(db, app, env, ns, ct);
        if (ifMatch is { } expected && expected != draft.Version) throw ConfigCenterException.StaleVersion(draft.Version);
        edit(db, draft);
        DraftChanges.Touch(draft, user, time.GetUtcNow());
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        notifier.Changed(app, env, ns, draft.Version, user);
        return draft.Version;
    }
}

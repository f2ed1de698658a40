using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Secrets;
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
    SecretKeyRing secretKeys,
    TimeProvider time)
{
    public async Task<DraftView> GetAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, app, env, ns, ct);
        // Secret values are masked for everyone, editors included; POST …/items/{key}/reveal shows one, audited.
        var items = state.Items.Select(i => i.Secret && i.Value is not null ? i with { Value = SecretMasking.Masked } : i).ToList();
        return new DraftView(state.Format.ToWire(), items, state.Content, state.Head?.Revision, state.HasChanges, state.Draft?.Version ?? 0);
    }

    public async Task<(DraftItem Item, bool Created, long Version)> SetItemAsync(
        string app, string env, string ns, string key, SetItemRequest request, long? ifMatch, string user, CancellationToken ct)
    {
        if (ConfigKeys.Validate(key) is { } error) throw ConfigCenterException.Invalid(error);
        if (request.Value is { Length: > DocumentLimits.MaxDocumentBytes })
            throw ConfigCenterException.Invalid("value", $"The value is {request.Value.Length} characters; the limit is {DocumentLimits.MaxDocumentBytes}.");
        if (FieldLimits.Check(request.Comment, "comment", "The comment", FieldLimits.MaxComment) is { } comment) throw ConfigCenterException.Invalid(comment);
        var created = false;
        var secret = false;
        // Fetched before the edit (which cannot wait): the key is needed when the item is or becomes secret.
        var sealKey = request.Secret == true || (request.Secret is null && await IsSecretAsync(app, env, ns, key, ct))
            ? await secretKeys.CurrentAsync(env, ct)
            : null;
        var version = await EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var normalized = key.ToUpperInvariant();
            var existing = draft.Items.FirstOrDefault(i => i.NormalizedKey == normalized);
            secret = request.Secret ?? existing?.IsSecret ?? false;
            if (secret && sealKey is null) throw ConfigCenterException.StaleVersion(draft.Version);
            // The masked value sent back (the editor saving a comment, a re-imported export) keeps the stored secret.
            var keep = existing is { IsSecret: true } && secret && request.Value == SecretMasking.Masked;
            if (!keep && request.Value == SecretMasking.Masked)
            {
                // Storing the mask would silently replace a secret (a renamed secret row, an export of another namespace).
                throw ConfigCenterException.Invalid("value",
                    $"'{SecretMasking.Masked}' is how secret values are shown; '{key}' holds no secret to keep. Enter the real value (reveal it first when renaming a secret key).");
            }
            var stored = keep ? existing!.Value
                : secret && request.Value is not null ? SecretEnvelope.Seal(sealKey!.Key, app, env, ns, key, request.Value) : request.Value;
            if (existing is not null && !string.Equals(existing.Key, key, StringComparison.Ordinal))
            {
                throw ConfigCenterException.Conflict(
                    $"Key '{key}' differs only by case from the existing key '{existing.Key}'; configuration keys are case-insensitive.",
                    new ValidationError("key", $"Key '{key}' conflicts with '{existing.Key}'."));
            }
            // Assigned on every attempt: after a lost race the retry finds the winner's item and this is an update.
            created = existing is null;
            var before = existing is null ? null : new { existing.Key, Value = AuditMasking.Value(key, existing.Value, existing.IsSecret), existing.Comment };
            if (existing is null)
            {
                draft.Items.Add(new DraftItemEntity { Key = key, NormalizedKey = normalized, Value = stored, Comment = request.Comment ?? "", IsSecret = secret });
            }
            else
            {
                existing.Value = stored;
                existing.Comment = request.Comment ?? "";
                existing.IsSecret = secret;
            }
            AuditLog.Record(db, time.GetUtcNow(), user, created ? "item.add" : "item.set", $"{app}/{env}/{ns}/{key}",
                before: before, after: new { Key = key, Value = AuditMasking.Value(key, stored, secret), Comment = request.Comment ?? "", Secret = secret });
        });
        return (new DraftItem(key, secret && request.Value is not null ? SecretMasking.Masked : request.Value, request.Comment ?? "", secret), created, version);
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
                before: new { existing.Key, Value = AuditMasking.Value(existing.Key, existing.Value, existing.IsSecret), existing.Comment });
        });

    /// <summary>
    /// Marks an item secret (its value is sealed with the environment's key) or unmarks it (the value is stored in clear again).
    /// Properties namespaces only: a json/yaml document's text cannot hold a value apart from the rest.
    /// </summary>
    public async Task<long> SetSecretAsync(string app, string env, string ns, string key, bool secret, long? ifMatch, string user, CancellationToken ct)
    {
        await RequirePropertiesAsync(app, env, ns, ct);
        var current = await secretKeys.CurrentAsync(env, ct);
        var all = secret ? null : await secretKeys.AllAsync(env, ct);
        return await EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var existing = draft.Items.FirstOrDefault(i => i.NormalizedKey == key.ToUpperInvariant())
                ?? throw ConfigCenterException.NotFound($"The draft of {app}/{env}/{ns} has no key '{key}'.");
            if (existing.IsSecret == secret) return;
            if (existing.Value is not null)
            {
                if (secret)
                {
                    existing.Value = SecretEnvelope.Seal(current.Key, app, env, ns, existing.Key, existing.Value);
                }
                else
                {
                    if (!SecretEnvelope.TryOpen(all!, app, env, ns, existing.Key, existing.Value, out var plain, out var error))
                        throw ConfigCenterException.Conflict($"Cannot unmark '{existing.Key}': {error}.");
                    existing.Value = plain;
                }
            }
            existing.IsSecret = secret;
            AuditLog.Record(db, time.GetUtcNow(), user, secret ? "secret.mark" : "secret.unmark", $"{app}/{env}/{ns}/{existing.Key}");
        });
    }

    /// <summary>The clear value of a secret draft item, for an editor who asked for it; audited as <c>secret.reveal</c>.</summary>
    public async Task<DraftItem> RevealAsync(string app, string env, string ns, string key, string user, CancellationToken ct)
    {
        await RequirePropertiesAsync(app, env, ns, ct);
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var item = await db.DraftItems.AsNoTracking()
            .Join(db.Drafts.Where(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns), i => i.DraftId, d => d.Id, (i, d) => i)
            .FirstOrDefaultAsync(i => i.NormalizedKey == key.ToUpperInvariant(), ct)
            ?? throw ConfigCenterException.NotFound($"The draft of {app}/{env}/{ns} has no key '{key}'.");
        if (!item.IsSecret) throw ConfigCenterException.Invalid("key", $"'{item.Key}' is not a secret; its value is shown as it is.");
        string? plain = null;
        if (item.Value is not null
            && !SecretEnvelope.TryOpen(await secretKeys.AllAsync(env, ct), app, env, ns, item.Key, item.Value, out plain, out var error))
        {
            throw ConfigCenterException.Conflict($"Cannot reveal '{item.Key}': {error}.");
        }
        AuditLog.Record(db, time.GetUtcNow(), user, "secret.reveal", $"{app}/{env}/{ns}/{item.Key}");
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        return new DraftItem(item.Key, plain, item.Comment, true);
    }

    private async Task<bool> IsSecretAsync(string app, string env, string ns, string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var normalized = key.ToUpperInvariant();
        return await db.DraftItems.Join(db.Drafts.Where(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns), i => i.DraftId, d => d.Id, (i, d) => i)
            .AnyAsync(i => i.NormalizedKey == normalized && i.IsSecret, ct);
    }

    private async Task<bool> HasSecretsAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.DraftItems.Join(db.Drafts.Where(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns), i => i.DraftId, d => d.Id, (i, d) => i)
            .AnyAsync(i => i.IsSecret, ct);
    }

    private async Task RequirePropertiesAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        if (entity.Format != NamespaceFormat.Properties)
        {
            throw ConfigCenterException.Invalid("secret",
                $"Namespace '{ns}' is a {entity.Format.ToWire()} document; secrets are supported in properties namespaces only. Keep secret keys in a properties namespace layered after it.");
        }
    }

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
        return ReplaceItemsCoreAsync(app, env, ns, items, ifMatch, user, ct);
    }

    private async Task<long> ReplaceItemsCoreAsync(string app, string env, string ns, IReadOnlyList<DraftItem> items, long? ifMatch, string user, CancellationToken ct)
    {
        var sealKey = items.Any(i => i.Secret) || await HasSecretsAsync(app, env, ns, ct) ? await secretKeys.CurrentAsync(env, ct) : null;
        return await EditAsync(app, env, ns, NamespaceFormat.Properties, ifMatch, user, ct, (db, draft) =>
        {
            var secretBefore = draft.Items.Where(i => i.IsSecret).Select(i => i.Key).ToList();
            var before = AuditMasking.Items(draft.Items.Select(i => KeyValuePair.Create(i.Key, i.Value)), secretBefore);
            var existing = draft.Items.ToDictionary(i => i.NormalizedKey, StringComparer.Ordinal);
            // A key that is secret stays secret; a masked value coming back (an export re-imported, a bulk edit) keeps the stored one.
            var sealedItems = items.Select(i =>
            {
                var old = existing.GetValueOrDefault(i.Key.ToUpperInvariant());
                var secret = i.Secret || old?.IsSecret == true;
                if (!secret && i.Value == SecretMasking.Masked)
                    throw ConfigCenterException.Invalid("value", $"'{i.Key}' has the mask '{SecretMasking.Masked}' as its value but no secret to keep; enter the real value.");
                if (!secret || i.Value is null) return i with { Secret = secret };
                if (sealKey is null) throw ConfigCenterException.StaleVersion(draft.Version);
                if (old?.IsSecret == true && i.Value == SecretMasking.Masked) return i with { Value = old.Value, Secret = true };
                if (i.Value == SecretMasking.Masked)
                    throw ConfigCenterException.Invalid("value", $"'{i.Key}' has the mask '{SecretMasking.Masked}' as its value but no secret to keep; enter the real value.");
                return i with { Value = SecretEnvelope.Seal(sealKey.Key, app, env, ns, i.Key, i.Value), Secret = true };
            }).ToList();
            DraftChanges.ReplaceItems(db, draft, sealedItems);
            AuditLog.Record(db, time.GetUtcNow(), user, "items.replace", $"{app}/{env}/{ns}", $"{items.Count} keys",
                before: before, after: AuditMasking.Items(sealedItems.Select(i => KeyValuePair.Create(i.Key, i.Value)), [.. sealedItems.Where(i => i.Secret).Select(i => i.Key)]));
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

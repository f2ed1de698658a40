using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Drafts;
using ConfigCenter.Server.Hosting;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Releases;

/// <summary>
/// Publishes drafts and rolls back to earlier releases. A release and its outbox row commit in one
/// SQLite transaction; the relay then delivers it to etcd, so a publish never waits for etcd and never
/// gets lost when etcd is down.
/// </summary>
public sealed class ReleaseService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    ReleaseCache cache,
    OutboxSignal outbox,
    DraftNotifier drafts,
    IOptions<ConfigCenterServerOptions> options,
    TimeProvider time,
    ILogger<ReleaseService> logger)
{
    public Task<ReleaseSummary> PublishAsync(string app, string env, string ns, string? message, string user, CancellationToken ct) =>
        WriteRaces.RetryAsync(() => PublishOnceAsync(app, env, ns, message, user, ct));

    public Task<ReleaseSummary> RollbackAsync(string app, string env, string ns, long revision, string? message, string user, CancellationToken ct) =>
        WriteRaces.RetryAsync(() => RollbackOnceAsync(app, env, ns, revision, message, user, ct));

    private async Task<ReleaseSummary> PublishOnceAsync(string app, string env, string ns, string? message, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var format = entity.Format;
        var draft = await DraftSnapshot.FindAsync(db, app, env, ns, ct);
        var current = await ReleaseQueries.HeadAsync(db, app, env, ns, ct);
        var draftItems = (draft?.Items ?? []).Select(i => new DraftItem(i.Key, i.Value, i.Comment)).ToList();
        var content = draft?.Content ?? "";
        if (!DraftService.HasChanges(entity, draftItems, content, current))
        {
            throw ConfigCenterException.Conflict(current is null
                ? $"Nothing to publish: the draft of {app}/{env}/{ns} is empty."
                : $"Nothing to publish: the draft of {app}/{env}/{ns} equals release r{current.Revision}.");
        }
        var flattened = DraftSnapshot.Items(format, draft);
        var items = flattened.Items ?? throw ConfigCenterException.Invalid(flattened.Error!);
        var comments = draftItems.Where(i => i.Comment.Length > 0).ToDictionary(i => i.Key, i => (string?)i.Comment, StringComparer.Ordinal);
        return await CommitAsync(db, entity, env, items, content, comments, message, user, current, null, ct);
    }

    private async Task<ReleaseSummary> RollbackOnceAsync(string app, string env, string ns, long revision, string? message, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var target = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().FirstOrDefaultAsync(r => r.Revision == revision, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release r{revision} to roll back to.");
        var current = await ReleaseQueries.HeadAsync(db, app, env, ns, ct)
            ?? throw new InvalidOperationException($"{app}/{env}/{ns} has r{revision} but no newest release.");
        if (current.Checksum == target.Checksum && current.Content == target.Content)
            throw ConfigCenterException.Conflict($"Nothing to roll back: the current release r{current.Revision} already equals r{revision}.");
        var items = ReleaseMapper.ItemsOf(target);
        var comments = string.IsNullOrEmpty(target.CommentsJson)
            ? new Dictionary<string, string?>()
            : System.Text.Json.JsonSerializer.Deserialize(target.CommentsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];
        var draft = await ResetDraftAsync(db, env, entity, items, target.Content, comments, user, ct);
        var summary = await CommitAsync(db, entity, env, items, target.Content, comments,
            string.IsNullOrWhiteSpace(message) ? $"Rollback to r{revision}" : message, user, current, revision, ct);
        drafts.Changed(app, env, ns, draft.Version, user);
        return summary;
    }

    private async Task<DraftEntity> ResetDraftAsync(ConfigCenterDbContext db, string env, NamespaceEntity ns, IReadOnlyDictionary<string, string?> items,
        string content, IReadOnlyDictionary<string, string?> comments, string user, CancellationToken ct)
    {
        // After a rollback the editor shows what is live, not the abandoned draft.
        var draft = await db.Drafts.Include(d => d.Items)
            .FirstOrDefaultAsync(d => d.AppId == ns.AppId && d.EnvironmentId == env && d.Namespace == ns.Name, ct);
        if (draft is null)
        {
            draft = new DraftEntity { AppId = ns.AppId, EnvironmentId = env, Namespace = ns.Name };
            db.Drafts.Add(draft);
        }
        db.DraftItems.RemoveRange(draft.Items);
        draft.Items.Clear();
        foreach (var (key, value) in items.Where(_ => ns.Format == NamespaceFormat.Properties))
        {
            draft.Items.Add(new DraftItemEntity
            {
                Key = key,
                NormalizedKey = key.ToUpperInvariant(),
                Value = value,
                Comment = comments.TryGetValue(key, out var comment) ? comment ?? "" : "",
            });
        }
        draft.Content = content;
        draft.Version++;
        draft.UpdatedAt = time.GetUtcNow();
        draft.UpdatedBy = user;
        return draft;
    }

    private async Task<ReleaseSummary> CommitAsync(ConfigCenterDbContext db, NamespaceEntity ns, string env, IReadOnlyDictionary<string, string?> items,
        string content, IReadOnlyDictionary<string, string?> comments, string? message, string user, ReleaseHead? current, long? rolledBackFrom,
        CancellationToken ct)
    {
        var built = ReleaseBuilder.Build(ns, env, (current?.Revision ?? 0) + 1, items, content,
            comments.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(comments, ContractsJsonContext.Default.DictionaryStringString),
            message, user, time.GetUtcNow(), rolledBackFrom);
        var release = built.Entity;
        db.Releases.Add(release);
        if (!options.Value.Standalone)
        {
            db.Outbox.Add(new OutboxEntity
            {
                EtcdKey = EtcdKeys.Config(options.Value.Etcd.Prefix, env, ns.AppId, ns.Name),
                Revision = release.Revision,
                Generation = release.Generation,
                Document = built.Bytes,
                CreatedAt = release.PublishedAt,
            });
        }
        AuditLog.Record(db, release.PublishedAt, user, rolledBackFrom is null ? "release.publish" : "release.rollback",
            $"{ns.AppId}/{env}/{ns.Name}", rolledBackFrom is null ? $"r{release.Revision}" : $"r{release.Revision} = r{rolledBackFrom}");
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        logger.LogInformation("Published {App}/{Env}/{Namespace} r{Revision} by {User}", ns.AppId, env, ns.Name, release.Revision, user);
        cache.TryUpdate(built.Document, built.Bytes);
        outbox.Notify();
        return ToSummary(release);
    }

    internal static ReleaseSummary ToSummary(ReleaseEntity r) => new(r.Revision, r.Checksum, r.PublishedAt, r.PublishedBy, r.Message, r.RolledBackFrom);
}

using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Reviews;
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
    Gateway.RoutesPublishCheck routesCheck,
    Telemetry.ServerMetrics metrics,
    Secrets.SecretKeyRing secretKeys,
    IOptions<ConfigCenterServerOptions> options,
    TimeProvider time,
    ILogger<ReleaseService> logger)
{
    public async Task<ReleaseSummary> PublishAsync(string app, string env, string ns, string? message, string user, CancellationToken ct)
    {
        CheckMessage(message);
        using var activity = Telemetry.ServerTracing.StartPublish("release.publish", app, env, ns);
        var summary = await WriteRaces.RetryAsync(() => PublishOnceAsync(app, env, ns, message, user, ct));
        activity?.SetTag(Telemetry.ServerTracing.Revision, summary.Revision);
        metrics.Published(app, env, rollback: false);
        return summary;
    }

    /// <summary>
    /// An Admin's publish past review (four eyes): the draft is published at once and the release carries the reason.
    /// The caller checks that the user is an Admin.
    /// </summary>
    public async Task<ReleaseSummary> PublishEmergencyAsync(string app, string env, string ns, string? message, string reason, string user, CancellationToken ct)
    {
        CheckMessage(message);
        using var activity = Telemetry.ServerTracing.StartPublish("release.emergency", app, env, ns);
        var summary = await WriteRaces.RetryAsync(() => PublishOnceAsync(app, env, ns, message, user, ct, reason));
        activity?.SetTag(Telemetry.ServerTracing.Revision, summary.Revision);
        metrics.Published(app, env, rollback: false);
        return summary;
    }

    /// <summary>
    /// Publishes the snapshot of an approved release request as the next release, through the same commit as any publish;
    /// <paramref name="alongside"/> adds the request's own changes to that transaction. 412 when the namespace got another
    /// release (or was created again) since the request was made.
    /// </summary>
    internal async Task<ReleaseSummary> PublishApprovedOnceAsync(ReleaseRequestEntity request, string approver,
        Action<ConfigCenterDbContext, ReleaseEntity> alongside, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, request.AppId, request.EnvironmentId, request.Namespace, ct);
        if (state.Namespace.Generation != request.Generation || (state.Head?.Revision ?? 0) != request.BaseRevision)
        {
            throw new ConfigCenterException(StatusCodes.Status412PreconditionFailed, "Precondition failed",
                $"Request {request.Id} was made against r{request.BaseRevision} of {request.AppId}/{request.EnvironmentId}/{request.Namespace}, " +
                $"which is now at r{state.Head?.Revision ?? 0}. It can no longer be approved; withdraw it and request review again.");
        }
        IReadOnlyDictionary<string, string?> snapshot = System.Text.Json.JsonSerializer.Deserialize(request.ItemsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];
        var secret = string.IsNullOrEmpty(request.SecretKeysJson)
            ? []
            : System.Text.Json.JsonSerializer.Deserialize(request.SecretKeysJson, ContractsJsonContext.Default.ListString) ?? [];
        // Sealed when requested; the environment key may have been rotated since, so seal with the current one (as rollback does).
        var items = await SealedWithCurrentKeyAsync(state, snapshot, secret, ct);
        await routesCheck.CheckAsync(db, state.Namespace, request.EnvironmentId, items, ct);
        var comments = string.IsNullOrEmpty(request.CommentsJson)
            ? new Dictionary<string, string?>()
            : System.Text.Json.JsonSerializer.Deserialize(request.CommentsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];
        var built = Build(state, items, request.Content, comments, request.Message, approver, null, secret);
        built.Entity.RequestedBy = request.Author;
        alongside(db, built.Entity);
        using var activity = Telemetry.ServerTracing.StartPublish("release.approve", request.AppId, request.EnvironmentId, request.Namespace);
        var summary = await CommitAsync(db, state.Namespace, built, approver, ct);
        activity?.SetTag(Telemetry.ServerTracing.Revision, summary.Revision);
        metrics.Published(request.AppId, request.EnvironmentId, rollback: false);
        return summary;
    }

    public async Task<ReleaseSummary> RollbackAsync(string app, string env, string ns, long revision, string? message, string user, CancellationToken ct)
    {
        CheckMessage(message);
        using var activity = Telemetry.ServerTracing.StartPublish("release.rollback", app, env, ns);
        var summary = await WriteRaces.RetryAsync(() => RollbackOnceAsync(app, env, ns, revision, message, user, ct));
        activity?.SetTag(Telemetry.ServerTracing.Revision, summary.Revision);
        metrics.Published(app, env, rollback: true);
        return summary;
    }

    private static void CheckMessage(string? message)
    {
        if (FieldLimits.Check(message, "message", "The release message", FieldLimits.MaxReleaseMessage) is { } error) throw ConfigCenterException.Invalid(error);
    }

    private async Task<ReleaseSummary> PublishOnceAsync(string app, string env, string ns, string? message, string user, CancellationToken ct, string? emergencyReason = null)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, app, env, ns, ct);
        // Four eyes: callers route publishes in such an environment to a release request; this is the backstop.
        if (emergencyReason is null && await ReviewRules.RequiresReviewAsync(db, env, ct))
            throw ConfigCenterException.Conflict($"Environment '{env}' requires review: request a review of the draft instead of publishing it.");
        if (state.Head is null && !state.HasChanges) throw ConfigCenterException.Conflict($"Nothing to publish: the draft of {app}/{env}/{ns} is empty.");
        var flattened = state.PublishableItems();
        var items = flattened.Items ?? throw ConfigCenterException.Invalid(flattened.Error!);
        await routesCheck.CheckAsync(db, state.Namespace, env, items, ct);
        var comments = state.Items.Where(i => i.Comment.Length > 0).ToDictionary(i => i.Key, i => (string?)i.Comment, StringComparer.Ordinal);
        // Secret items are sealed in the draft already (under the current environment key), so they publish as they are.
        var secret = state.Items.Where(i => i.Secret).Select(i => i.Key).ToList();
        var built = Build(state, items, state.Content, comments, message, user, null, secret);
        // Properties compare by checksum (computed once, by the builder), documents by their text.
        var unchanged = state.Head is { } head && (state.Format == NamespaceFormat.Properties
            ? string.Equals(built.Entity.Checksum, head.Checksum, StringComparison.Ordinal)
            : string.Equals(state.Content, head.Content, StringComparison.Ordinal));
        if (unchanged) throw ConfigCenterException.Conflict($"Nothing to publish: the draft of {app}/{env}/{ns} equals release r{state.Head!.Revision}.");
        built.Entity.EmergencyReason = emergencyReason;
        return await CommitAsync(db, state.Namespace, built, user, ct);
    }

    private async Task<ReleaseSummary> RollbackOnceAsync(string app, string env, string ns, long revision, string? message, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, app, env, ns, ct);
        var target = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().FirstOrDefaultAsync(r => r.Revision == revision, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release r{revision} to roll back to.");
        var current = state.Head ?? throw new InvalidOperationException($"{app}/{env}/{ns} has r{revision} but no newest release.");
        if (current.Checksum == target.Checksum && current.Content == target.Content)
            throw ConfigCenterException.Conflict($"Nothing to roll back: the current release r{current.Revision} already equals r{revision}.");
        var secret = ReleaseMapper.SecretKeysOf(target);
        var items = await SealedWithCurrentKeyAsync(state, ReleaseMapper.ItemsOf(target), secret, ct);
        // A release that passed the check when it was published may be refused now (its service gone, say): rolling
        // back to it publishes it again, so it meets the same check as a publish.
        await routesCheck.CheckAsync(db, state.Namespace, env, items, ct);
        var comments = string.IsNullOrEmpty(target.CommentsJson)
            ? new Dictionary<string, string?>()
            : System.Text.Json.JsonSerializer.Deserialize(target.CommentsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];
        var built = Build(state, items, target.Content, comments, string.IsNullOrWhiteSpace(message) ? $"Rollback to r{revision}" : message, user, revision, secret);

        // After a rollback the editor shows what is live, not the abandoned draft.
        var draft = await DraftChanges.LoadForEditAsync(db, app, env, ns, ct);
        DraftChanges.ReplaceItems(db, draft, state.Format == NamespaceFormat.Properties
            ? items.Select(i => new DraftItem(i.Key, i.Value, comments.TryGetValue(i.Key, out var comment) ? comment ?? "" : "", secret.Contains(i.Key)))
            : []);
        draft.Content = target.Content;
        DraftChanges.Touch(draft, user, built.Entity.PublishedAt);
        var summary = await CommitAsync(db, state.Namespace, built, user, ct);
        drafts.Changed(app, env, ns, draft.Version, user);
        return summary;
    }

    private BuiltRelease Build(NamespaceState state, IReadOnlyDictionary<string, string?> items, string content,
        IReadOnlyDictionary<string, string?> comments, string? message, string user, long? rolledBackFrom, IReadOnlyCollection<string> secret) =>
        ReleaseBuilder.Build(state.Namespace, state.Environment, (state.Head?.Revision ?? 0) + 1, items, content,
            comments.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(comments, ContractsJsonContext.Default.DictionaryStringString),
            message, user, time.GetUtcNow(), rolledBackFrom, secret);

    /// <summary>
    /// A rollback target's items with its secret envelopes under the environment's current key: a release from before a key
    /// rotation must not go out sealed with a key the clients may no longer have.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string?>> SealedWithCurrentKeyAsync(NamespaceState state, IReadOnlyDictionary<string, string?> items,
        IReadOnlyList<string> secret, CancellationToken ct)
    {
        if (secret.Count == 0) return items;
        var current = await secretKeys.CurrentAsync(state.Environment, ct);
        if (secret.All(k => SecretEnvelope.TryGetKeyId(items.GetValueOrDefault(k), out var id) && id == current.KeyId)) return items;
        var all = await secretKeys.AllAsync(state.Environment, ct);
        var resealed = new Dictionary<string, string?>(items, StringComparer.Ordinal);
        foreach (var key in secret)
        {
            if (resealed.GetValueOrDefault(key) is not { } envelope) continue;
            if (!SecretEnvelope.TryOpen(all, state.Namespace.AppId, state.Environment, state.Namespace.Name, key, envelope, out var plain, out var error))
                throw ConfigCenterException.Conflict($"Cannot roll back {state.Namespace.AppId}/{state.Environment}/{state.Namespace.Name}: {error}.");
            resealed[key] = SecretEnvelope.Seal(current.Key, state.Namespace.AppId, state.Environment, state.Namespace.Name, key, plain);
        }
        return resealed;
    }

    /// <summary>Commits the release, its outbox row and its audit entry in one transaction, then updates the cache and wakes the relay.</summary>
    private async Task<ReleaseSummary> CommitAsync(ConfigCenterDbContext db, NamespaceEntity ns, BuiltRelease built, string user, CancellationToken ct)
    {
        var release = built.Entity;
        db.Releases.Add(release);
        if (!options.Value.Standalone) DeliveryQueue.Publish(db, options.Value.Etcd.Prefix, release, built.Bytes, release.PublishedAt);
        var rolledBackFrom = release.RolledBackFrom;
        var action = rolledBackFrom is not null ? "release.rollback" : release.EmergencyReason is not null ? "release.emergency" : "release.publish";
        AuditLog.Record(db, release.PublishedAt, user, action,
            $"{ns.AppId}/{release.EnvironmentId}/{ns.Name}", rolledBackFrom is null ? $"r{release.Revision}" : $"r{release.Revision} = r{rolledBackFrom}",
            before: release.Revision > 1 ? new { Revision = release.Revision - 1 } : null,
            after: new { release.Revision, release.Checksum, release.Message, release.RolledBackFrom, release.RequestedBy, release.EmergencyReason });
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
        logger.LogInformation("Published {App}/{Env}/{Namespace} r{Revision} by {User}", ns.AppId, release.EnvironmentId, ns.Name, release.Revision, user);
        cache.TryUpdate(built.Document, built.Bytes);
        outbox.Notify();
        return ToSummary(release);
    }

    internal static ReleaseSummary ToSummary(ReleaseEntity r) =>
        new(r.Revision, r.Checksum, r.PublishedAt, r.PublishedBy, r.Message, r.RolledBackFrom, r.RequestedBy, r.EmergencyReason);
}

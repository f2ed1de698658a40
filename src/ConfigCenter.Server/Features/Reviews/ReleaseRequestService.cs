using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Reviews;

/// <summary>
/// Four eyes: in an environment that requires review a publish becomes a release request — a snapshot of the draft and
/// its diff — which a Publisher other than its author approves (publishing the snapshot through <see cref="ReleaseService"/>)
/// or rejects with a comment. An Admin's emergency publish goes past review and is marked.
/// </summary>
public sealed class ReleaseRequestService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    ReleaseService releases,
    TimeProvider time,
    ILogger<ReleaseRequestService> logger)
{
    private static readonly JsonSerializerOptions DiffJson = new(JsonSerializerDefaults.Web);

    /// <summary>Raised after a request was created or decided, so pages and the nav badge refresh.</summary>
    public event Action? Changed;

    /// <summary>
    /// Publishes the draft, or creates a release request where the environment requires review. <paramref name="emergency"/>
    /// publishes past review: Admins only, with a reason.
    /// </summary>
    public async Task<PublishOutcome> PublishOrRequestAsync(string app, string env, string ns, string? message, bool emergency, string? reason,
        UserAccess user, CancellationToken ct)
    {
        if (FieldLimits.Check(reason, "reason", "The reason", FieldLimits.MaxReleaseMessage) is { } tooLong) throw ConfigCenterException.Invalid(tooLong);
        if (emergency)
        {
            if (!user.IsAdmin) throw Forbidden("Only an Admin can publish in an emergency (past review).");
            if (string.IsNullOrWhiteSpace(reason)) throw ConfigCenterException.Invalid("reason", "An emergency publish needs a reason.");
            var release = await releases.PublishEmergencyAsync(app, env, ns, message, reason.Trim(), user.UserName, ct);
            logger.LogWarning("Emergency publish of {App}/{Env}/{Namespace} r{Revision} by {User}", app, env, ns, release.Revision, user.UserName);
            return new PublishOutcome(release, null);
        }
        bool requiresReview;
        await using (var db = await dbFactory.CreateOpenedAsync(ct)) requiresReview = await ReviewRules.RequiresReviewAsync(db, env, ct);
        return requiresReview
            ? new PublishOutcome(null, await CreateAsync(app, env, ns, message, user.UserName, ct))
            : new PublishOutcome(await releases.PublishAsync(app, env, ns, message, user.UserName, ct), null);
    }

    /// <summary>Snapshots the draft (and its diff against the live release) as a pending request.</summary>
    public async Task<ReleaseRequestView> CreateAsync(string app, string env, string ns, string? message, string author, CancellationToken ct)
    {
        if (FieldLimits.Check(message, "message", "The release message", FieldLimits.MaxReleaseMessage) is { } tooLong) throw ConfigCenterException.Invalid(tooLong);
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var state = await NamespaceState.LoadAsync(db, app, env, ns, ct);
        if (!state.HasChanges)
        {
            throw ConfigCenterException.Conflict(state.Head is { } head
                ? $"Nothing to publish: the draft of {app}/{env}/{ns} equals release r{head.Revision}."
                : $"Nothing to publish: the draft of {app}/{env}/{ns} is empty.");
        }
        var flattened = state.PublishableItems();
        var items = flattened.Items ?? throw ConfigCenterException.Invalid(flattened.Error!);
        var comments = state.Items.Where(i => i.Comment.Length > 0).ToDictionary(i => i.Key, i => (string?)i.Comment, StringComparer.Ordinal);
        var commentsJson = comments.Count == 0 ? "" : JsonSerializer.Serialize(comments, ContractsJsonContext.Default.DictionaryStringString);
        var baseRevision = state.Head?.Revision ?? 0;
        var now = time.GetUtcNow();
        // Built like the release it would become, so a request that could never be published (too large) is refused now.
        // Secret values are sealed in the draft already; the snapshot keeps them sealed and the diff shows them masked
        // (a key secret on either side: a value unmarked since the live release was an envelope there).
        var secret = state.Items.Where(i => i.Secret).Select(i => i.Key).ToList();
        var built = ReleaseBuilder.Build(state.Namespace, env, baseRevision + 1, items, state.Content, commentsJson, message, author, now, null, secret);
        var (live, liveSecret) = await LiveItemsAsync(db, app, env, ns, baseRevision, ct);
        var diff = Secrets.SecretMasking.Diff(ItemsDiffer.Compare(live, items), [.. secret, .. liveSecret]);
        var request = new ReleaseRequestEntity
        {
            AppId = app,
            EnvironmentId = env,
            Namespace = ns,
            Generation = state.Namespace.Generation,
            BaseRevision = baseRevision,
            Format = state.Format,
            ItemsJson = built.Entity.ItemsJson,
            Content = built.Entity.Content,
            CommentsJson = commentsJson,
            SecretKeysJson = ReleaseMapper.SecretKeysJson(secret),
            DiffJson = JsonSerializer.Serialize(diff, DiffJson),
            Message = built.Entity.Message,
            Author = author,
            CreatedAt = now,
            Status = ReviewRules.Pending,
        };
        db.ReleaseRequests.Add(request);
        using (await writeGate.EnterAsync(ct))
        {
            // The audit entry names the request, so it is added once the id exists, in the same transaction.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            AuditLog.Record(db, now, author, "release.request", $"{app}/{env}/{ns}", $"request {request.Id} on r{baseRevision}",
                after: new { request.Id, request.BaseRevision, request.Message, Added = diff.Added.Count, Changed = diff.Changed.Count, Removed = diff.Removed.Count });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Release request {Id} for {App}/{Env}/{Namespace} by {User}", request.Id, app, env, ns, author);
        Changed?.Invoke();
        return ToView(request, stale: false);
    }

    /// <summary>Publishes the request's snapshot. The author cannot approve their own request (403); a stale one answers 412.</summary>
    public async Task<ReleaseRequestView> ApproveAsync(string app, string env, string ns, long id, string? comment, string approver, CancellationToken ct)
    {
        CheckComment(comment);
        var approved = await WriteRaces.RetryAsync(async () =>
        {
            var request = await FindPendingAsync(app, env, ns, id, ct);
            if (IsAuthor(request, approver))
                throw Forbidden($"You requested this release yourself; another Publisher of '{env}' must approve it (four eyes).");
            await releases.PublishApprovedOnceAsync(request, approver, (db, release) =>
            {
                db.ReleaseRequests.Attach(request);
                Decide(request, ReviewRules.Approved, approver, comment, release.PublishedAt);
                request.ReleaseRevision = release.Revision;
                AuditLog.Record(db, release.PublishedAt, approver, "release.approve", $"{app}/{env}/{ns}", $"request {id} → r{release.Revision}",
                    before: new { request.Id, Status = ReviewRules.Pending, request.Author },
                    after: new { request.Id, request.Status, request.Author, request.Comment, release.Revision });
            }, ct);
            return request;
        });
        Changed?.Invoke();
        return ToView(approved, stale: false);
    }

    /// <summary>Rejects the request; the comment is required and tells the author why.</summary>
    public Task<ReleaseRequestView> RejectAsync(string app, string env, string ns, long id, string? comment, string reviewer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(comment)) throw ConfigCenterException.Invalid("comment", "Rejecting a release request needs a comment that tells its author why.");
        CheckComment(comment);
        return CloseAsync(app, env, ns, id, ReviewRules.Rejected, "release.reject", comment.Trim(), reviewer, request =>
        {
            if (IsAuthor(request, reviewer)) throw Forbidden("You cannot reject your own release request; withdraw it instead.");
        }, ct);
    }

    /// <summary>The author takes the request back.</summary>
    public Task<ReleaseRequestView> WithdrawAsync(string app, string env, string ns, long id, string user, CancellationToken ct) =>
        CloseAsync(app, env, ns, id, ReviewRules.Withdrawn, "release.withdraw", null, user, request =>
        {
            if (!IsAuthor(request, user)) throw Forbidden($"Only {request.Author}, who made this request, can withdraw it.");
        }, ct);

    public async Task<ReleaseRequestView> GetAsync(string app, string env, string ns, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var request = await db.ReleaseRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.AppId == app && r.EnvironmentId == env && r.Namespace == ns, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release request {id}.");
        return (await ViewsAsync(db, [request], ct))[0];
    }

    /// <summary>The requests of one namespace, newest first.</summary>
    public async Task<IReadOnlyList<ReleaseRequestView>> ListAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var requests = await db.ReleaseRequests.AsNoTracking().Where(r => r.AppId == app && r.EnvironmentId == env && r.Namespace == ns)
            .OrderByDescending(r => r.Id).Take(200).ToListAsync(ct);
        return await ViewsAsync(db, requests, ct);
    }

    /// <summary>Pending requests (of namespaces that still exist), oldest first; callers filter by what the user may see.</summary>
    public async Task<IReadOnlyList<ReleaseRequestView>> PendingAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var requests = await db.ReleaseRequests.AsNoTracking()
            .Where(r => r.Status == ReviewRules.Pending && db.Namespaces.Any(n => n.AppId == r.AppId && n.Name == r.Namespace && n.Generation == r.Generation))
            .OrderBy(r => r.Id).ToListAsync(ct);
        return await ViewsAsync(db, requests, ct);
    }

    /// <summary>Switches review on or off for an environment (Admins).</summary>
    public async Task<EnvironmentView> SetRequiresReviewAsync(string env, bool requiresReview, string user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await db.Environments.FirstOrDefaultAsync(e => e.Id == env, ct) ?? throw ConfigCenterException.NotFound($"There is no environment '{env}'.");
        if (entity.RequiresReview != requiresReview)
        {
            AuditLog.Record(db, time.GetUtcNow(), user, "environment.review", env, requiresReview ? "review required" : "review not required",
                before: new { entity.Id, entity.RequiresReview }, after: new { entity.Id, RequiresReview = requiresReview });
            entity.RequiresReview = requiresReview;
            using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
            logger.LogInformation("Environment {Env} requires review: {RequiresReview} (by {User})", env, requiresReview, user);
            Changed?.Invoke();
        }
        return new EnvironmentView(entity.Id, entity.Name, entity.RequiresReview);
    }

    private async Task<ReleaseRequestView> CloseAsync(string app, string env, string ns, long id, string status, string action, string? comment, string user,
        Action<ReleaseRequestEntity> check, CancellationToken ct)
    {
        var closed = await WriteRaces.RetryAsync(async () =>
        {
            var request = await FindPendingAsync(app, env, ns, id, ct);
            check(request);
            await using var db = await dbFactory.CreateOpenedAsync(ct);
            db.ReleaseRequests.Attach(request);
            var now = time.GetUtcNow();
            Decide(request, status, user, comment, now);
            AuditLog.Record(db, now, user, action, $"{app}/{env}/{ns}", $"request {id}",
                before: new { request.Id, Status = ReviewRules.Pending, request.Author }, after: new { request.Id, request.Status, request.Author, request.Comment });
            using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
            return request;
        });
        logger.LogInformation("Release request {Id} for {App}/{Env}/{Namespace} {Status} by {User}", id, app, env, ns, status, user);
        Changed?.Invoke();
        return ToView(closed, stale: false);
    }

    private async Task<ReleaseRequestEntity> FindPendingAsync(string app, string env, string ns, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var request = await db.ReleaseRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.AppId == app && r.EnvironmentId == env && r.Namespace == ns, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release request {id}.");
        if (request.Status != ReviewRules.Pending)
            throw ConfigCenterException.Conflict($"Release request {id} was already {request.Status}{(request.DecidedBy is { } by ? $" by {by}" : "")}.");
        return request;
    }

    private static void Decide(ReleaseRequestEntity request, string status, string user, string? comment, DateTimeOffset at)
    {
        request.Status = status;
        request.DecidedBy = user;
        request.DecidedAt = at;
        request.Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
    }

    private static void CheckComment(string? comment)
    {
        if (FieldLimits.Check(comment, "comment", "The comment", FieldLimits.MaxReleaseMessage) is { } error) throw ConfigCenterException.Invalid(error);
    }

    private static bool IsAuthor(ReleaseRequestEntity request, string user) => string.Equals(request.Author, user, StringComparison.OrdinalIgnoreCase);

    private static ConfigCenterException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);

    private static async Task<(IReadOnlyDictionary<string, string?> Items, IReadOnlyList<string> SecretKeys)> LiveItemsAsync(
        ConfigCenterDbContext db, string app, string env, string ns, long revision, CancellationToken ct)
    {
        if (revision == 0) return (new Dictionary<string, string?>(), []);
        var release = await ReleaseQueries.Of(db, app, env, ns).Where(r => r.Revision == revision).FirstAsync(ct);
        return (ReleaseMapper.ItemsOf(release), ReleaseMapper.SecretKeysOf(release));
    }

    // A pending request is stale once its namespace has another newest release (or was deleted and created again).
    private static async Task<IReadOnlyList<ReleaseRequestView>> ViewsAsync(ConfigCenterDbContext db, IReadOnlyList<ReleaseRequestEntity> requests, CancellationToken ct)
    {
        var views = new List<ReleaseRequestView>(requests.Count);
        var heads = new Dictionary<(string, string, string), (long Revision, string? Generation)>();
        foreach (var r in requests)
        {
            var stale = false;
            if (r.Status == ReviewRules.Pending)
            {
                var key = (r.AppId, r.EnvironmentId, r.Namespace);
                if (!heads.TryGetValue(key, out var head))
                {
                    var revision = (await ReleaseQueries.HeadAsync(db, r.AppId, r.EnvironmentId, r.Namespace, ct))?.Revision ?? 0;
                    var generation = await db.Namespaces.Where(n => n.AppId == r.AppId && n.Name == r.Namespace).Select(n => n.Generation).FirstOrDefaultAsync(ct);
                    heads[key] = head = (revision, generation);
                }
                stale = head.Revision != r.BaseRevision || head.Generation != r.Generation;
            }
            views.Add(ToView(r, stale));
        }
        return views;
    }

    private static ReleaseRequestView ToView(ReleaseRequestEntity r, bool stale) => new(r.Id, r.AppId, r.EnvironmentId, r.Namespace, r.BaseRevision, r.Message,
        r.Author, r.CreatedAt, r.Status, r.DecidedBy, r.DecidedAt, r.Comment, r.ReleaseRevision, stale,
        JsonSerializer.Deserialize<ItemsDiff>(r.DiffJson, DiffJson) ?? new ItemsDiff([], [], []));
}

using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Apps;

/// <summary>Apps, environments and namespaces.</summary>
public sealed class AppService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    ReleaseCache cache,
    ApiKeyStore keys,
    Auth.AccessDirectory access,
    OutboxSignal outbox,
    IOptions<ConfigCenterServerOptions> options,
    TimeProvider time)
{
    public async Task<IReadOnlyList<AppView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Apps.AsNoTracking().OrderBy(a => a.Id)
            .Select(a => new AppView(a.Id, a.Name, a.Description, a.CreatedAt, a.Namespaces.Count)).ToListAsync(ct);
    }

    public async Task<AppView> GetAsync(string app, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Apps.AsNoTracking().Where(a => a.Id == app)
            .Select(a => new AppView(a.Id, a.Name, a.Description, a.CreatedAt, a.Namespaces.Count)).FirstOrDefaultAsync(ct)
            ?? throw ConfigCenterException.NotFound($"There is no app '{app}'.");
    }

    public async Task<AppView> CreateAsync(CreateAppRequest request, string user, CancellationToken ct)
    {
        if (Names.ValidateAppId(request.Id) is { } error) throw ConfigCenterException.Invalid(error);
        if (FieldLimits.Check(request.Name, "name", "The app name", FieldLimits.MaxDisplayName) is { } name) throw ConfigCenterException.Invalid(name);
        if (FieldLimits.Check(request.Description, "description", "The description", FieldLimits.MaxDescription) is { } description)
            throw ConfigCenterException.Invalid(description);
        var id = request.Id!;
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Apps.AnyAsync(a => a.Id == id, ct)) throw ConfigCenterException.Conflict($"An app with id '{id}' already exists.");
        var app = new AppEntity
        {
            Id = id,
            Name = string.IsNullOrWhiteSpace(request.Name) ? id : request.Name.Trim(),
            Description = request.Description?.Trim() ?? "",
            CreatedAt = time.GetUtcNow(),
            CreatedBy = user,
        };
        db.Apps.Add(app);
        AuditLog.Record(db, app.CreatedAt, user, "app.create", id, after: new { app.Id, app.Name, app.Description });
        await db.SaveChangesAsync(ct);
        return new AppView(app.Id, app.Name, app.Description, app.CreatedAt, 0);
    }

    /// <summary>Deletes the app with its drafts, releases and keys, and removes its documents from etcd.</summary>
    public async Task DeleteAsync(string app, string user, CancellationToken ct)
    {
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.Apps.Include(a => a.Namespaces).FirstOrDefaultAsync(a => a.Id == app, ct)
            ?? throw ConfigCenterException.NotFound($"There is no app '{app}'.");
        var now = time.GetUtcNow();
        if (!options.Value.Standalone)
        {
            // A delete is an outbox row with an empty document, ordered after any pending publish of the app.
            var keys = await ReleaseQueries.CurrentReleases(db).Where(r => r.AppId == app).Select(r => new { r.EnvironmentId, r.Namespace, r.Revision, r.Generation }).ToListAsync(ct);
            foreach (var k in keys)
            {
                DeliveryQueue.Delete(db, options.Value.Etcd.Prefix, k.EnvironmentId, app, k.Namespace, k.Revision, k.Generation, now);
            }
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.DraftItems.Where(i => db.Drafts.Any(d => d.Id == i.DraftId && d.AppId == app)).ExecuteDeleteAsync(ct);
        await db.Drafts.Where(d => d.AppId == app).ExecuteDeleteAsync(ct);
        await db.Releases.Where(r => r.AppId == app).ExecuteDeleteAsync(ct);
        await db.ApiKeys.Where(k => k.AppId == app).ExecuteDeleteAsync(ct);
        // Roles in the app go with it: an app created later under the same id starts with no members.
        await db.AppMembers.Where(m => m.AppId == app).ExecuteDeleteAsync(ct);
        await db.PublisherGrants.Where(g => g.AppId == app).ExecuteDeleteAsync(ct);
        db.Apps.Remove(entity);
        AuditLog.Record(db, now, user, "app.delete", app,
            before: new { entity.Id, entity.Name, entity.Description, Namespaces = entity.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal).ToList() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        cache.RemoveApp(app);
        // The keys' rows are gone; forgetting them here ends their reads and open hub connections now, and keeps
        // them from reading an app created later under the same id.
        keys.RemoveApp(app);
        await access.ReloadAsync(ct);
        outbox.Notify();
    }

    public async Task<IReadOnlyList<EnvironmentView>> ListEnvironmentsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Environments.AsNoTracking().OrderBy(e => e.SortOrder).ThenBy(e => e.Id)
            .Select(e => new EnvironmentView(e.Id, e.Name, e.RequiresReview)).ToListAsync(ct);
    }

    public async Task<EnvironmentView> CreateEnvironmentAsync(CreateEnvironmentRequest request, string user, CancellationToken ct)
    {
        if (Names.ValidateEnvironment(request.Id) is { } error) throw ConfigCenterException.Invalid(error);
        if (FieldLimits.Check(request.Name, "name", "The environment name", FieldLimits.MaxDisplayName) is { } name) throw ConfigCenterException.Invalid(name);
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Environments.AnyAsync(e => e.Id == request.Id, ct)) throw ConfigCenterException.Conflict($"Environment '{request.Id}' already exists.");
        var order = await db.Environments.MaxAsync(e => (int?)e.SortOrder, ct) ?? 0;
        var env = new EnvironmentEntity { Id = request.Id!, Name = string.IsNullOrWhiteSpace(request.Name) ? request.Id! : request.Name.Trim(), SortOrder = order + 1 };
        db.Environments.Add(env);
        AuditLog.Record(db, time.GetUtcNow(), user, "environment.create", env.Id, after: new { env.Id, env.Name });
        await db.SaveChangesAsync(ct);
        return new EnvironmentView(env.Id, env.Name);
    }

    public async Task<IReadOnlyList<NamespaceView>> ListNamespacesAsync(string app, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        return await db.Namespaces.AsNoTracking().Where(n => n.AppId == app).OrderBy(n => n.Name)
            .Select(n => new NamespaceView(n.Name, n.Format.ToWire())).ToListAsync(ct);
    }

    public async Task<NamespaceView> CreateNamespaceAsync(string app, CreateNamespaceRequest request, string user, CancellationToken ct)
    {
        if (Names.ValidateNamespace(request.Name) is { } error) throw ConfigCenterException.Invalid(error);
        if (!NamespaceFormats.TryParse(request.Format ?? "properties", out var format))
            throw ConfigCenterException.Invalid("format", $"Format '{request.Format}' is not one of properties, json, yaml.");
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        if (await db.Namespaces.AnyAsync(n => n.AppId == app && n.Name == request.Name, ct))
            throw ConfigCenterException.Conflict($"App '{app}' already has a namespace '{request.Name}'.");
        var now = time.GetUtcNow();
        // A new generation each time the namespace is created: an app deleted and created again starts a new history.
        var ns = new NamespaceEntity { AppId = app, Name = request.Name!, Format = format, Generation = ReleaseOrder.NewGeneration(now), CreatedAt = now };
        db.Namespaces.Add(ns);
        AuditLog.Record(db, ns.CreatedAt, user, "namespace.create", $"{app}/{ns.Name}", ns.Format.ToWire(), after: new { ns.Name, Format = ns.Format.ToWire() });
        await db.SaveChangesAsync(ct);
        return new NamespaceView(ns.Name, ns.Format.ToWire());
    }

    /// <summary>Published revision and unpublished-changes mark of every namespace in every environment.</summary>
    public async Task<IReadOnlyList<NamespaceStatus>> OverviewAsync(string app, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        var namespaces = await db.Namespaces.AsNoTracking().Where(n => n.AppId == app).OrderBy(n => n.Name).ToListAsync(ct);
        var envs = await db.Environments.AsNoTracking().OrderBy(e => e.SortOrder).Select(e => e.Id).ToListAsync(ct);
        var current = await ReleaseQueries.CurrentReleases(db).AsNoTracking().Where(r => r.AppId == app).ToListAsync(ct);
        var drafts = await db.Drafts.AsNoTracking().Include(d => d.Items).Where(d => d.AppId == app).ToListAsync(ct);
        var result = new List<NamespaceStatus>();
        foreach (var ns in namespaces)
        {
            foreach (var env in envs)
            {
                var release = current.FirstOrDefault(r => r.Namespace == ns.Name && r.EnvironmentId == env);
                var draft = drafts.FirstOrDefault(d => d.Namespace == ns.Name && d.EnvironmentId == env);
                var items = (draft?.Items ?? []).Select(i => new DraftItem(i.Key, i.Value, i.Comment)).ToList();
                result.Add(new NamespaceStatus(ns.Name, ns.Format.ToWire(), env, release?.Revision,
                    NamespaceState.HasChangesFrom(ns.Format, items, draft?.Content ?? "", release is null ? null : ReleaseHead.Of(release))));
            }
        }
        return result;
    }
}

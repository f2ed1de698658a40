using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Resolves app/environment/namespace from a route, answering 404 for anything unknown.</summary>
internal static class NamespaceLookup
{
    public static async Task<NamespaceEntity> RequireAsync(ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct)
    {
        // One query on the hot path; only a miss pays for finding out which part is unknown.
        var found = await Find(db, app, env, ns, ct);
        if (found is not null) return found;
        await RequireAppAsync(db, app, ct);
        await RequireEnvironmentAsync(db, env, ct);
        throw ConfigCenterException.NotFound($"App '{app}' has no namespace '{ns}'.");
    }

    // Compiled once: every draft read, edit and publish starts here.
    private static readonly Func<ConfigCenterDbContext, string, string, string, CancellationToken, Task<NamespaceEntity?>> Find =
        EF.CompileAsyncQuery((ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct) =>
            db.Namespaces.AsNoTracking().FirstOrDefault(n => n.AppId == app && n.Name == ns && db.Environments.Any(e => e.Id == env)));

    public static async Task RequireAppAsync(ConfigCenterDbContext db, string app, CancellationToken ct)
    {
        if (!await db.Apps.AnyAsync(a => a.Id == app, ct)) throw ConfigCenterException.NotFound($"There is no app '{app}'.");
    }

    public static async Task RequireEnvironmentAsync(ConfigCenterDbContext db, string env, CancellationToken ct)
    {
        if (!await db.Environments.AnyAsync(e => e.Id == env, ct)) throw ConfigCenterException.NotFound($"There is no environment '{env}'.");
    }
}

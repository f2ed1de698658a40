using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Shared release queries.</summary>
internal static class ReleaseQueries
{
    /// <summary>The newest release of every app/environment/namespace.</summary>
    public static IQueryable<ReleaseEntity> CurrentReleases(ConfigCenterDbContext db) =>
        db.Releases.Where(r => r.Revision == db.Releases
            .Where(x => x.AppId == r.AppId && x.EnvironmentId == r.EnvironmentId && x.Namespace == r.Namespace)
            .Max(x => x.Revision));

    /// <summary>
    /// What publish and the draft view need of the newest release: its revision, checksum and (for json/yaml)
    /// content — not the items, which can be a mebibyte.
    /// </summary>
    public static Task<ReleaseHead?> HeadAsync(ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct) =>
        Head(db, app, env, ns, ct);

    // Compiled once: publish and the draft view run it on every call.
    private static readonly Func<ConfigCenterDbContext, string, string, string, CancellationToken, Task<ReleaseHead?>> Head =
        EF.CompileAsyncQuery((ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct) =>
            db.Releases.Where(r => r.AppId == app && r.EnvironmentId == env && r.Namespace == ns)
                .OrderByDescending(r => r.Revision)
                .Select(r => new ReleaseHead(r.Revision, r.Checksum, r.Content))
                .FirstOrDefault());

    public static IQueryable<ReleaseEntity> Of(ConfigCenterDbContext db, string app, string env, string ns) =>
        db.Releases.Where(r => r.AppId == app && r.EnvironmentId == env && r.Namespace == ns);
}

/// <summary>The newest release of a namespace, without its items.</summary>
internal sealed record ReleaseHead(long Revision, string Checksum, string Content)
{
    public static ReleaseHead Of(ReleaseEntity r) => new(r.Revision, r.Checksum, r.Content);
}

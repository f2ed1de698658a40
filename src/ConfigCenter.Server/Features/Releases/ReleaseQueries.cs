using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Releases;

/// <summary>Shared release queries.</summary>
internal static class ReleaseQueries
{
    /// <summary>The newest release of every app/environment/namespace.</summary>
    public static IQueryable<ReleaseEntity> CurrentReleases(ConfigCenterDbContext db) =>
        db.Releases.Where(r => r.Revision == db.Releases
            .Where(x => x.AppId == r.AppId && x.EnvironmentId == r.EnvironmentId && x.Namespace == r.Namespace)
            .Max(x => x.Revision));

    public static IQueryable<ReleaseEntity> Of(ConfigCenterDbContext db, string app, string env, string ns) =>
        db.Releases.Where(r => r.AppId == app && r.EnvironmentId == env && r.Namespace == ns);
}

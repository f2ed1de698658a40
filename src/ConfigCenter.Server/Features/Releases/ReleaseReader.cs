using ConfigCenter.Core;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Releases;

/// <summary>Reads release history: lists, single releases, diffs and the draft-vs-live preview.</summary>
public sealed class ReleaseReader(IDbContextFactory<ConfigCenterDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ReleaseSummary>> ListAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var releases = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().OrderByDescending(r => r.Revision).ToListAsync(ct);
        return [.. releases.Select(ReleaseService.ToSummary)];
    }

    public async Task<ReleaseDetail> GetAsync(string app, string env, string ns, long revision, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var r = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().FirstOrDefaultAsync(x => x.Revision == revision, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release r{revision}.");
        return new ReleaseDetail(r.AppId, r.EnvironmentId, r.Namespace, r.Revision, r.Format.ToWire(), r.Checksum, r.PublishedAt, r.PublishedBy,
            r.Message, r.RolledBackFrom, ReleaseMapper.ItemsOf(r), r.Content);
    }

    /// <summary>What changed from <paramref name="against"/> to <paramref name="revision"/>; against 0 = an empty namespace.</summary>
    public async Task<ItemsDiff> DiffAsync(string app, string env, string ns, long revision, long against, CancellationToken ct)
    {
        var newer = await GetAsync(app, env, ns, revision, ct);
        var older = against == 0 ? new Dictionary<string, string?>() : (await GetAsync(app, env, ns, against, ct)).Items;
        return ItemsDiffer.Compare(older, newer.Items);
    }

    /// <summary>The flat items the current draft would publish, diffed against the live release.</summary>
    public async Task<(ItemsDiff Diff, ValidationError? Error)> PreviewAsync(string app, string env, string ns, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        var entity = await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var format = entity.Format;
        var draft = await DraftSnapshot.FindAsync(db, app, env, ns, ct);
        var current = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().OrderByDescending(r => r.Revision).FirstOrDefaultAsync(ct);
        var flattened = DraftSnapshot.Items(format, draft);
        if (flattened.Error is { } error) return (new ItemsDiff([], [], []), error);
        var draftItems = flattened.Items!;
        var live = current is null ? new Dictionary<string, string?>() : ReleaseMapper.ItemsOf(current);
        return (ItemsDiffer.Compare(live, draftItems), null);
    }

    public async Task<IReadOnlyList<RecentRelease>> RecentAsync(int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.Releases.AsNoTracking().OrderByDescending(r => r.PublishedAt).ThenByDescending(r => r.Id).Take(count)
            .Select(r => new RecentRelease(r.AppId, r.EnvironmentId, r.Namespace, r.Revision, r.Message, r.PublishedBy, r.PublishedAt))
            .ToListAsync(ct);
    }
}

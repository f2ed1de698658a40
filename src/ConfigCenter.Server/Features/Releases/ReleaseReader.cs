using ConfigCenter.Core;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Secrets;
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

    /// <summary>One release; secret values are masked (for everyone: the API, history, exports and diffs show <c>******</c>).</summary>
    public async Task<ReleaseDetail> GetAsync(string app, string env, string ns, long revision, CancellationToken ct)
    {
        var (detail, secret) = await GetSealedAsync(app, env, ns, revision, ct);
        return detail with { Items = SecretMasking.Items(detail.Items, secret) };
    }

    private async Task<(ReleaseDetail Detail, IReadOnlyList<string> Secret)> GetSealedAsync(string app, string env, string ns, long revision, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        await NamespaceLookup.RequireAsync(db, app, env, ns, ct);
        var r = await ReleaseQueries.Of(db, app, env, ns).AsNoTracking().FirstOrDefaultAsync(x => x.Revision == revision, ct)
            ?? throw ConfigCenterException.NotFound($"{app}/{env}/{ns} has no release r{revision}.");
        return (new ReleaseDetail(r.AppId, r.EnvironmentId, r.Namespace, r.Revision, r.Format.ToWire(), r.Checksum, r.PublishedAt, r.PublishedBy,
            r.Message, r.RolledBackFrom, ReleaseMapper.ItemsOf(r), r.Content), ReleaseMapper.SecretKeysOf(r));
    }

    /// <summary>What changed from <paramref name="against"/> to <paramref name="revision"/>; against 0 = an empty namespace.</summary>
    public async Task<ItemsDiff> DiffAsync(string app, string env, string ns, long revision, long against, CancellationToken ct)
    {
        // Compared on the envelopes (deterministic, so equal secrets compare equal), then masked.
        var (newer, newerSecret) = await GetSealedAsync(app, env, ns, revision, ct);
        var (older, olderSecret) = against == 0 ? (null, []) : await GetSealedAsync(app, env, ns, against, ct);
        return SecretMasking.Diff(ItemsDiffer.Compare(older?.Items ?? new Dictionary<string, string?>(), newer.Items), [.. newerSecret, .. olderSecret]);
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
        IReadOnlyList<string> secret = [.. (draft?.Items ?? []).Where(i => i.IsSecret).Select(i => i.Key),
            .. current is null ? [] : ReleaseMapper.SecretKeysOf(current)];
        return (SecretMasking.Diff(ItemsDiffer.Compare(live, draftItems), secret), null);
    }

    public async Task<IReadOnlyList<RecentRelease>> RecentAsync(int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateOpenedAsync(ct);
        return await db.Releases.AsNoTracking().OrderByDescending(r => r.PublishedAt).ThenByDescending(r => r.Id).Take(count)
            .Select(r => new RecentRelease(r.AppId, r.EnvironmentId, r.Namespace, r.Revision, r.Message, r.PublishedBy, r.PublishedAt))
            .ToListAsync(ct);
    }
}

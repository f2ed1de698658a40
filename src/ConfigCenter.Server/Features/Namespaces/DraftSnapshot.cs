using ConfigCenter.Core;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Reads a draft and the flat items it would publish; shared by publish and the publish preview.</summary>
internal static class DraftSnapshot
{
    // Compiled once: publish runs it on every call, and EF's per-call query translation lookup allocates.
    private static readonly Func<ConfigCenterDbContext, string, string, string, CancellationToken, Task<DraftEntity?>> Find =
        EF.CompileAsyncQuery((ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct) =>
            db.Drafts.AsNoTracking().Include(d => d.Items).FirstOrDefault(d => d.AppId == app && d.EnvironmentId == env && d.Namespace == ns));

    public static Task<DraftEntity?> FindAsync(ConfigCenterDbContext db, string app, string env, string ns, CancellationToken ct) =>
        Find(db, app, env, ns, ct);

    /// <summary>Properties items as they are; a json/yaml document flattened (or its validation error).</summary>
    public static FlattenResult Items(NamespaceFormat format, DraftEntity? draft) =>
        format == NamespaceFormat.Properties
            ? new FlattenResult((draft?.Items ?? []).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal), null)
            : DocumentFlattener.Flatten(format, draft?.Content ?? "");
}

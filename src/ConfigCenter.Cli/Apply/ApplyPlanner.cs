using ConfigCenter.Cli.Api;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Apply;

/// <summary>Compares configcenter.yaml with the server (reads only) and returns the <see cref="Plan"/>.</summary>
internal static class ApplyPlanner
{
    private static readonly IReadOnlyDictionary<string, string?> Nothing = new Dictionary<string, string?>();

    public static async Task<Plan> PlanAsync(ConfigCenterApi api, DesiredState desired, bool prune, bool pruneApps, CancellationToken ct)
    {
        var serverApps = (await api.AppsAsync(ct)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var serverEnvs = (await api.EnvironmentsAsync(ct)).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var envsToCreate = desired.Apps.SelectMany(a => a.Namespaces).SelectMany(n => n.Environments).Select(d => d.Environment)
            .Where(e => !serverEnvs.Contains(e)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var appsToCreate = new List<DesiredApp>();
        var namespacesToCreate = new List<(string, DesiredNamespace)>();
        var drafts = new List<DraftChange>();

        foreach (var app in desired.Apps)
        {
            var exists = serverApps.Contains(app.Id);
            if (!exists) appsToCreate.Add(app);
            var serverNamespaces = exists
                ? (await api.NamespacesAsync(app.Id, ct)).ToDictionary(n => n.Name, n => n.Format, StringComparer.Ordinal)
                : [];
            foreach (var ns in app.Namespaces)
            {
                var nsExists = serverNamespaces.TryGetValue(ns.Name, out var format);
                if (!nsExists) namespacesToCreate.Add((app.Id, ns));
                else if (!string.Equals(format, ns.Format, StringComparison.OrdinalIgnoreCase))
                    throw new CliException($"{desired.Path}: apps.{app.Id}.namespaces.{ns.Name}.format: the namespace is {format} on the server and cannot become {ns.Format}.");
                foreach (var draft in ns.Environments)
                {
                    var target = new NamespaceRef(app.Id, draft.Environment, ns.Name);
                    // A namespace or environment that does not exist yet has an empty draft and nothing live.
                    var current = nsExists && serverEnvs.Contains(draft.Environment) ? await api.DraftAsync(target, ct) : null;
                    var currentItems = current is null ? Nothing : ConfigCenterApi.ItemsOf(current);
                    var live = current is null ? Nothing : await api.LiveItemsAsync(target, current.PublishedRevision, ct);
                    var items = prune ? draft.Items : DraftWriter.Merge(currentItems, draft.Items);
                    drafts.Add(new DraftChange(target, current, currentItems, items, ItemsDiffer.Compare(currentItems, items),
                        ItemsDiffer.Compare(live, items), draft.Source));
                }
            }
        }

        var keep = desired.Apps.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var appsToDelete = pruneApps ? serverApps.Where(a => !keep.Contains(a)).Order(StringComparer.Ordinal).ToList() : [];
        return new Plan(envsToCreate, appsToCreate, namespacesToCreate, drafts, appsToDelete);
    }
}

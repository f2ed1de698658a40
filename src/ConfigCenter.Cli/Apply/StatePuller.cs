using ConfigCenter.Cli.Api;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConfigCenter.Cli.Apply;

/// <summary>
/// Writes the server's current drafts in configcenter.yaml's layout. Drafts rather than releases, because apply
/// writes drafts: pull then apply changes nothing. Values are always double-quoted so "20" or "true" stay strings.
/// </summary>
internal static class StatePuller
{
    public static async Task<string> PullAsync(ConfigCenterApi api, IReadOnlyCollection<string> onlyApps, CancellationToken ct)
    {
        var environments = (await api.EnvironmentsAsync(ct)).Select(e => e.Id).Order(StringComparer.Ordinal).ToList();
        var apps = new YamlMappingNode();
        foreach (var app in (await api.AppsAsync(ct)).OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            if (onlyApps.Count > 0 && !onlyApps.Contains(app.Id)) continue;
            var namespaces = new YamlMappingNode();
            foreach (var ns in (await api.NamespacesAsync(app.Id, ct)).OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                var envs = new YamlMappingNode();
                foreach (var env in environments)
                {
                    var draft = await api.DraftAsync(new NamespaceRef(app.Id, env, ns.Name), ct);
                    var items = ConfigCenterApi.ItemsOf(draft);
                    if (items.Count == 0 && draft.PublishedRevision is null) continue;
                    var map = new YamlMappingNode();
                    foreach (var (key, value) in items.OrderBy(i => i.Key, StringComparer.Ordinal))
                        map.Add(new YamlScalarNode(key), value is null ? new YamlScalarNode("null") : new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted });
                    envs.Add(env, new YamlMappingNode { { "items", map } });
                }
                namespaces.Add(ns.Name, new YamlMappingNode { { "format", ns.Format }, { "environments", envs } });
            }
            var node = new YamlMappingNode { { "name", Quoted(app.Name) } };
            if (app.Description.Length > 0) node.Add("description", Quoted(app.Description));
            node.Add("namespaces", namespaces);
            apps.Add(app.Id, node);
        }
        var stream = new YamlStream(new YamlDocument(new YamlMappingNode { { "apps", apps } }));
        using var writer = new StringWriter();
        writer.WriteLine("# configcenter.yaml: `configcenter apply -f configcenter.yaml` plans, `--approve` applies.");
        stream.Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}

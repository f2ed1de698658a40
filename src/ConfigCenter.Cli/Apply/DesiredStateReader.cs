using ConfigCenter.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConfigCenter.Cli.Apply;

/// <summary>
/// Reads configcenter.yaml through the YAML node model rather than a deserializer, so every error names the
/// file, line and field ("configcenter.yaml:7:9: apps.orders.namespaces.db.format: …"). Everything is read and
/// checked before apply talks to the server, so a bad file changes nothing.
/// </summary>
internal static class DesiredStateReader
{
    public static DesiredState Read(string path)
    {
        var stream = LocalDocumentBounds.LoadYaml(path, DocumentLimits.MaxFlattenedBytes);
        if (stream.Documents.Count == 0) throw new CliException($"{path}: the file is empty; it needs an 'apps:' mapping.");
        var ctx = new Where(path);
        var root = ctx.Mapping(stream.Documents[0].RootNode, "(root)");
        ctx.OnlyKeys(root, "(root)", "apps");
        var apps = new List<DesiredApp>();
        if (Child(root, "apps") is { } appsNode)
        {
            foreach (var (idNode, appNode) in ctx.Mapping(appsNode, "apps").Children)
            {
                var id = ctx.Scalar(idNode, "apps");
                var field = $"apps.{id}";
                var app = ctx.Mapping(appNode, field);
                ctx.OnlyKeys(app, field, "name", "description", "namespaces");
                apps.Add(new DesiredApp(id, ctx.OptionalScalar(app, "name", field), ctx.OptionalScalar(app, "description", field),
                    ReadNamespaces(ctx, app, field)));
            }
        }
        return new DesiredState(path, apps);
    }

    private static List<DesiredNamespace> ReadNamespaces(Where ctx, YamlMappingNode app, string appField)
    {
        var result = new List<DesiredNamespace>();
        if (Child(app, "namespaces") is not { } node) return result;
        foreach (var (nameNode, nsNode) in ctx.Mapping(node, $"{appField}.namespaces").Children)
        {
            var name = ctx.Scalar(nameNode, $"{appField}.namespaces");
            var field = $"{appField}.namespaces.{name}";
            var ns = ctx.Mapping(nsNode, field);
            ctx.OnlyKeys(ns, field, "format", "environments");
            var format = ctx.OptionalScalar(ns, "format", field) ?? "properties";
            if (!NamespaceFormats.TryParse(format, out var parsed))
                throw ctx.Error(Child(ns, "format")!, $"{field}.format", $"'{format}' is not a format; use properties, json or yaml.");
            format = parsed.ToWire();
            var drafts = new List<DesiredDraft>();
            if (Child(ns, "environments") is { } envs)
            {
                foreach (var (envNode, draftNode) in ctx.Mapping(envs, $"{field}.environments").Children)
                {
                    var env = ctx.Scalar(envNode, $"{field}.environments");
                    drafts.Add(ReadDraft(ctx, draftNode, $"{field}.environments.{env}", env));
                }
            }
            result.Add(new DesiredNamespace(name, format, drafts));
        }
        return result;
    }

    private static DesiredDraft ReadDraft(Where ctx, YamlNode node, string field, string env)
    {
        var draft = ctx.Mapping(node, field);
        ctx.OnlyKeys(draft, field, "items", "file");
        var items = Child(draft, "items");
        var file = Child(draft, "file");
        if ((items is null) == (file is null)) throw ctx.Error(draft, field, "give either 'items' or 'file', not both or neither.");
        if (file is not null)
        {
            var relative = ctx.Scalar(file, $"{field}.file");
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ctx.Path))!, relative));
            try
            {
                var source = ConfigFile.Read(full);
                return new DesiredDraft(env, source.Items, source);
            }
            catch (CliException e)
            {
                throw ctx.Error(file, $"{field}.file", e.Message);
            }
        }
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in ctx.Mapping(items!, $"{field}.items").Children)
        {
            var key = ctx.Scalar(keyNode, $"{field}.items");
            if (ConfigKeys.Validate(key) is { } error) throw ctx.Error(keyNode, $"{field}.items.{key}", error.Message);
            if (values.Keys.Any(k => ConfigKeys.Comparer.Equals(k, key))) throw ctx.Error(keyNode, $"{field}.items.{key}", "the key appears twice (keys ignore case).");
            if (valueNode is not YamlScalarNode scalar) throw ctx.Error(valueNode, $"{field}.items.{key}", "a value must be a scalar; write nested sections as 'Section:Key'.");
            values[key] = IsNull(scalar) ? null : scalar.Value ?? "";
        }
        return new DesiredDraft(env, values, null);
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode s && s.Value == key).Value;

    private sealed class Where(string path)
    {
        public string Path { get; } = path;

        public CliException Error(YamlNode node, string field, string message) =>
            new($"{Path}:{node.Start.Line}:{node.Start.Column}: {field}: {message}");

        public YamlMappingNode Mapping(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Error(node, field, "expected a mapping (key: value lines).");

        public string Scalar(YamlNode node, string field) =>
            node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(node, field, "expected a non-empty name.");

        public string? OptionalScalar(YamlMappingNode map, string key, string field) =>
            Child(map, key) is { } node ? Scalar(node, $"{field}.{key}") : null;

        public void OnlyKeys(YamlMappingNode map, string field, params string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name)) throw Error(key, field, $"unknown field '{name}'; expected {string.Join(", ", allowed)}.");
            }
        }
    }
}

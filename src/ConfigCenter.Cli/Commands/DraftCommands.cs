using System.CommandLine;
using ConfigCenter.Cli.Api;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Commands;

/// <summary>get, set, delete, import, export: the draft of one namespace (export also reads releases).</summary>
internal static class DraftCommands
{
    public static void Add(RootCommand root, CliContext cx)
    {
        root.Add(Get(cx));
        root.Add(Set(cx));
        root.Add(Delete(cx));
        root.Add(Import(cx));
        root.Add(Export(cx));
    }

    private static Command Get(CliContext cx)
    {
        var key = new Argument<string?>("key") { Description = "One key; its value alone is printed.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("get", "Show the draft's keys (or one key's value).") { key };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var draft = await api.DraftAsync(ns.Read(parse), ct);
            var items = ConfigCenterApi.ItemsOf(draft);
            if (parse.GetValue(key) is { } one)
            {
                var match = items.FirstOrDefault(i => ConfigKeys.Comparer.Equals(i.Key, one));
                if (match.Key is null) throw new CliException($"{ns.Read(parse)} has no key '{one}'.");
                if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(new { key = match.Key, value = match.Value });
                else await cx.Out.WriteLineAsync(match.Value);
                return ExitCodes.Success;
            }
            if (parse.GetValue(cx.Json))
            {
                await cx.WriteJsonAsync(new { draft.Format, draft.PublishedRevision, draft.HasChanges, items = new SortedDictionary<string, string?>(items.ToDictionary(), StringComparer.Ordinal) });
                return ExitCodes.Success;
            }
            foreach (var (k, v) in items.OrderBy(i => i.Key, StringComparer.Ordinal)) await cx.Out.WriteLineAsync($"{k} = {v}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Set(CliContext cx)
    {
        var key = new Argument<string>("key") { Description = "The key, sections separated by ':'." };
        var value = new Argument<string>("value") { Description = "The value." };
        var comment = new Option<string?>("--comment") { Description = "A note shown in the editor." };
        var command = new Command("set", "Set a key in the draft of a properties namespace.") { key, value, comment };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            await api.SetItemAsync(ns.Read(parse), parse.GetRequiredValue(key), parse.GetRequiredValue(value), parse.GetValue(comment), ct);
            await cx.Out.WriteLineAsync($"Set {parse.GetValue(key)} in the draft of {ns.Read(parse)}; `configcenter publish` releases it.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CliContext cx)
    {
        var key = new Argument<string>("key") { Description = "The key to remove." };
        var command = new Command("delete", "Remove a key from the draft of a properties namespace.") { key };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            await api.DeleteItemAsync(ns.Read(parse), parse.GetRequiredValue(key), ct);
            await cx.Out.WriteLineAsync($"Deleted {parse.GetValue(key)} from the draft of {ns.Read(parse)}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Import(CliContext cx)
    {
        var file = new Argument<FileInfo>("file") { Description = "An appsettings-style .json or .yaml file." };
        var prune = new Option<bool>("--prune") { Description = "Also remove draft keys that are not in the file." };
        var command = new Command("import", "Write a JSON/YAML file's keys into the draft, flattened the way the server and IConfiguration flatten them.") { file, prune };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var source = ConfigFile.Read(parse.GetRequiredValue(file).FullName);
            using var api = cx.Connect(parse);
            var target = ns.Read(parse);
            var draft = await api.DraftAsync(target, ct);
            var current = ConfigCenterApi.ItemsOf(draft);
            var desired = parse.GetValue(prune) ? source.Items : DraftWriter.Merge(current, source.Items);
            var diff = await DraftWriter.WriteAsync(api, target, draft, current, desired, source, ct);
            await cx.Out.WriteLineAsync($"Imported {source.Items.Count} keys into the draft of {target}: {diff.Added.Count} added, {diff.Changed.Count} changed, {diff.Removed.Count} removed.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(CliContext cx)
    {
        var format = new Option<string>("--format", "-f") { Description = "json, yaml or env.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "yaml", "env");
        var revision = new Option<long?>("--revision", "-r") { Description = "A release (default: the draft)." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("export", "Write the draft or a release as JSON, YAML or .env.") { format, revision, output };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var target = ns.Read(parse);
            var items = parse.GetValue(revision) is { } r
                ? (await api.ReleaseAsync(target, r, ct)).Items
                : ConfigCenterApi.ItemsOf(await api.DraftAsync(target, ct));
            var text = parse.GetRequiredValue(format) switch
            {
                "yaml" => ConfigExporter.ToYaml(items),
                "env" => ConfigExporter.ToDotEnv(items),
                _ => ConfigExporter.ToJson(items),
            };
            if (parse.GetValue(output) is { } path) await File.WriteAllTextAsync(path.FullName, text, ct);
            else await cx.Out.WriteAsync(text);
            return ExitCodes.Success;
        });
        return command;
    }
}

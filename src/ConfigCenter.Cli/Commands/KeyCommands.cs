using System.CommandLine;

namespace ConfigCenter.Cli.Commands;

/// <summary>keys create|list|revoke: the read-only client API keys of an app in an environment.</summary>
internal static class KeyCommands
{
    public static void Add(RootCommand root, CliContext cx)
    {
        var keys = new Command("keys", "Client API keys (read-only, one app and environment).");

        var name = new Argument<string>("name") { Description = "What the key is for, e.g. the service and cluster." };
        var create = new Command("create", "Create a key; it is printed once and never again.") { name };
        var createNs = NamespaceOptions.AddTo(create, withNamespace: false);
        create.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var key = await api.CreateKeyAsync(parse.GetRequiredValue(createNs.App), parse.GetRequiredValue(createNs.Env), parse.GetRequiredValue(name), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(key);
            else await cx.Out.WriteLineAsync(key.Key);
            return ExitCodes.Success;
        });

        var list = new Command("list", "List keys (their prefixes only).");
        var listNs = NamespaceOptions.AddTo(list, withNamespace: false);
        list.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var all = await api.KeysAsync(parse.GetRequiredValue(listNs.App), parse.GetRequiredValue(listNs.Env), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(all);
            else foreach (var k in all) await cx.Out.WriteLineAsync($"{k.Id,-5} {k.KeyPrefix,-14} {k.Name,-30} {k.CreatedAt:u} {k.CreatedBy}");
            return ExitCodes.Success;
        });

        var id = new Argument<int>("id") { Description = "The key's id (from `keys list`)." };
        var revoke = new Command("revoke", "Revoke a key: clients using it are refused from now on.") { id };
        var revokeNs = NamespaceOptions.AddTo(revoke, withNamespace: false);
        revoke.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            await api.RevokeKeyAsync(parse.GetRequiredValue(revokeNs.App), parse.GetRequiredValue(revokeNs.Env), parse.GetRequiredValue(id), ct);
            await cx.Out.WriteLineAsync($"Revoked key {parse.GetValue(id)}.");
            return ExitCodes.Success;
        });

        keys.Add(create);
        keys.Add(list);
        keys.Add(revoke);
        root.Add(keys);
    }
}

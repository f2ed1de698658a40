using System.CommandLine;

namespace ConfigCenter.Cli.Commands;

/// <summary>login, apps, environments, namespaces.</summary>
internal static class AppCommands
{
    public static void Add(RootCommand root, CliContext cx)
    {
        root.Add(Login(cx));
        root.Add(Apps(cx));
        root.Add(Environments(cx));
        root.Add(Namespaces(cx));
    }

    private static Command Login(CliContext cx)
    {
        var user = new Option<string>("--username", "-u") { Description = "The user name.", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password", "-p") { Description = "The password (default: CONFIGCENTER_PASSWORD, else read from stdin)." };
        var command = new Command("login", "Sign in and save the token in ~/.configcenter/credentials.json (mode 0600).") { user, password };
        command.SetAction(async (parse, ct) =>
        {
            var server = cx.ResolveServer(parse);
            var secret = parse.GetValue(password) ?? cx.Console.Environment("CONFIGCENTER_PASSWORD") ?? (await cx.Console.In.ReadLineAsync(ct))?.Trim();
            if (string.IsNullOrEmpty(secret)) throw new CliException("no password: pass --password, set CONFIGCENTER_PASSWORD, or pipe it on stdin.");
            using var api = new Api.ConfigCenterApi(server, null, cx.Console.HttpHandler);
            var token = await api.SignInAsync(parse.GetRequiredValue(user), secret, ct);
            await new Credentials(server.ToString(), token.AccessToken, token.ExpiresAt).SaveAsync(cx.Console.ProfileDirectory, ct);
            await cx.Out.WriteLineAsync($"Signed in to {server} as {parse.GetValue(user)}; the token expires {token.ExpiresAt:u}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Apps(CliContext cx)
    {
        var command = new Command("apps", "List apps.");
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var apps = await api.AppsAsync(ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(apps);
            else foreach (var app in apps) await cx.Out.WriteLineAsync($"{app.Id,-30} {app.NamespaceCount,3} namespaces  {app.Name}");
            return ExitCodes.Success;
        });

        var id = new Argument<string>("id") { Description = "The new app's id." };
        var name = new Option<string?>("--name") { Description = "Display name (default: the id)." };
        var description = new Option<string?>("--description") { Description = "What the app is." };
        var create = new Command("create", "Create an app.") { id, name, description };
        create.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var app = await api.CreateAppAsync(parse.GetRequiredValue(id), parse.GetValue(name), parse.GetValue(description), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(app);
            else await cx.Out.WriteLineAsync($"Created app {app.Id}.");
            return ExitCodes.Success;
        });
        command.Add(create);
        return command;
    }

    private static Command Environments(CliContext cx)
    {
        var command = new Command("environments", "List environments.");
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var envs = await api.EnvironmentsAsync(ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(envs);
            else foreach (var env in envs) await cx.Out.WriteLineAsync(env.Id);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Namespaces(CliContext cx)
    {
        var app = new Option<string>("--app", "-a") { Description = "The app id.", Required = true };
        var command = new Command("namespaces", "List the namespaces of an app.") { app };
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var namespaces = await api.NamespacesAsync(parse.GetRequiredValue(app), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(namespaces);
            else foreach (var ns in namespaces) await cx.Out.WriteLineAsync($"{ns.Name,-30} {ns.Format}");
            return ExitCodes.Success;
        });

        var createApp = new Option<string>("--app", "-a") { Description = "The app id.", Required = true };
        var name = new Argument<string>("name") { Description = "The namespace name." };
        var format = new Option<string>("--format", "-f") { Description = "properties, json or yaml.", DefaultValueFactory = _ => "properties" };
        format.AcceptOnlyFromAmong("properties", "json", "yaml");
        var create = new Command("create", "Create a namespace in an app.") { createApp, name, format };
        create.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var ns = await api.CreateNamespaceAsync(parse.GetRequiredValue(createApp), parse.GetRequiredValue(name), parse.GetRequiredValue(format), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(ns);
            else await cx.Out.WriteLineAsync($"Created namespace {ns.Name} ({ns.Format}).");
            return ExitCodes.Success;
        });
        command.Add(create);
        return command;
    }
}

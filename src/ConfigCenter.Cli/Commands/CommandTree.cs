using System.CommandLine;

namespace ConfigCenter.Cli.Commands;

/// <summary>Every configcenter command, wired to one <see cref="CliContext"/>.</summary>
internal static class CommandTree
{
    public static RootCommand Build(CliConsole console)
    {
        var context = new CliContext(console);
        var root = new RootCommand("configcenter: drive a ConfigCenter server from a terminal or a pipeline. Exit codes: 0 ok, 1 differences (diff, apply plan), 2 error.");
        root.Add(context.Server);
        root.Add(context.Json);
        AppCommands.Add(root, context);
        DraftCommands.Add(root, context);
        ReleaseCommands.Add(root, context);
        KeyCommands.Add(root, context);
        WatchCommand.Add(root, context);
        ApplyCommands.Add(root, context);
        return root;
    }
}

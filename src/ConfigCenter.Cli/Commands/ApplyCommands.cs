using System.CommandLine;
using System.Diagnostics;
using ConfigCenter.Cli.Api;
using ConfigCenter.Cli.Apply;

namespace ConfigCenter.Cli.Commands;

/// <summary>apply and pull: configuration as code, kept in git as configcenter.yaml.</summary>
internal static class ApplyCommands
{
    public static void Add(RootCommand root, CliContext cx)
    {
        root.Add(Apply(cx));
        root.Add(Pull(cx));
    }

    private static Command Apply(CliContext cx)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The declaration.", DefaultValueFactory = _ => new FileInfo("configcenter.yaml") };
        var approve = new Option<bool>("--approve") { Description = "Make the changes (without it apply only prints the plan)." };
        var prune = new Option<bool>("--prune") { Description = "Remove draft keys that the file does not list." };
        var pruneApps = new Option<bool>("--prune-apps") { Description = "Delete apps that the file does not list (and all their configuration)." };
        var message = new Option<string>("--message", "-m") { Description = "Release message; the git commit is appended.", DefaultValueFactory = _ => "configcenter apply" };
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 1 when the plan has changes (for a pull-request gate)." };
        var command = new Command("apply", "Plan (default) or apply (--approve) configcenter.yaml: create apps, namespaces and environments, write drafts, publish what changed.")
            { file, approve, prune, pruneApps, message, detailed };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file).FullName;
            var desired = DesiredStateReader.Read(path);
            using var api = cx.Connect(parse);
            var plan = await ApplyPlanner.PlanAsync(api, desired, parse.GetValue(prune), parse.GetValue(pruneApps), ct);
            await WritePlanAsync(cx, plan);
            if (plan.IsEmpty)
            {
                await cx.Out.WriteLineAsync("No changes: the server matches the file.");
                return ExitCodes.Success;
            }
            if (!parse.GetValue(approve))
            {
                await cx.Out.WriteLineAsync("Plan only; run again with --approve to make these changes.");
                return parse.GetValue(detailed) ? ExitCodes.Differences : ExitCodes.Success;
            }
            var releaseMessage = WithCommit(cx, parse.GetRequiredValue(message), Path.GetDirectoryName(path)!);
            await ExecuteAsync(cx, api, plan, releaseMessage, ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WritePlanAsync(CliContext cx, Plan plan)
    {
        foreach (var env in plan.EnvironmentsToCreate) await cx.Out.WriteLineAsync(cx.Green($"+ environment {env}"));
        foreach (var app in plan.AppsToCreate) await cx.Out.WriteLineAsync(cx.Green($"+ app {app.Id}"));
        foreach (var (app, ns) in plan.NamespacesToCreate) await cx.Out.WriteLineAsync(cx.Green($"+ namespace {app}/{ns.Name} ({ns.Format})"));
        foreach (var draft in plan.Drafts.Where(d => d.WritesDraft || d.Publishes))
        {
            if (draft.WritesDraft)
            {
                await cx.Out.WriteLineAsync(cx.Yellow($"~ draft {draft.Target}"));
                await ReleaseCommands.WriteDiffAsync(cx, draft.DraftDiff, "    ");
            }
            await cx.Out.WriteLineAsync($"  publish {draft.Target}" + (draft.Publishes ? "" : " (no change)"));
        }
        foreach (var app in plan.AppsToDelete) await cx.Out.WriteLineAsync(cx.Red($"- app {app} (and all its configuration)"));
        await cx.Out.WriteLineAsync($"Plan: {plan.EnvironmentsToCreate.Count} environments, {plan.AppsToCreate.Count} apps, {plan.NamespacesToCreate.Count} namespaces to create; "
            + $"{plan.Drafts.Count(d => d.WritesDraft)} drafts to change; {plan.Drafts.Count(d => d.Publishes)} releases to publish; {plan.AppsToDelete.Count} apps to delete.");
    }

    private static async Task ExecuteAsync(CliContext cx, ConfigCenterApi api, Plan plan, string message, CancellationToken ct)
    {
        foreach (var env in plan.EnvironmentsToCreate) await api.CreateEnvironmentAsync(env, ct);
        foreach (var app in plan.AppsToCreate) await api.CreateAppAsync(app.Id, app.Name, app.Description, ct);
        foreach (var (app, ns) in plan.NamespacesToCreate) await api.CreateNamespaceAsync(app, ns.Name, ns.Format, ct);
        var published = 0;
        var requested = 0;
        foreach (var draft in plan.Drafts)
        {
            if (draft.WritesDraft)
            {
                var current = draft.Current ?? await api.DraftAsync(draft.Target, ct);
                await DraftWriter.WriteAsync(api, draft.Target, current, draft.CurrentItems, draft.Desired, draft.Source, ct);
            }
            if (draft.Publishes)
            {
                var result = await api.PublishAsync(draft.Target, message, ct);
                if (result.Release is { } release)
                {
                    await cx.Out.WriteLineAsync($"Published {draft.Target} r{release.Revision}.");
                    published++;
                }
                else
                {
                    await cx.Out.WriteLineAsync(ReleaseCommands.ReviewRequested(draft.Target, result.Request!));
                    requested++;
                }
            }
        }
        foreach (var app in plan.AppsToDelete) await api.DeleteAppAsync(app, ct);
        await cx.Out.WriteLineAsync(requested == 0
            ? $"Applied: {published} releases published."
            : $"Applied: {published} releases published, {requested} release requests waiting for review.");
    }

    /// <summary>"message (commit abc1234)": from the CI's variable, else from git in the file's checkout; the plain message when neither is there.</summary>
    private static string WithCommit(CliContext cx, string message, string directory)
    {
        var commit = new[] { "GITHUB_SHA", "CI_COMMIT_SHA", "BUILD_SOURCEVERSION", "GIT_COMMIT" }
            .Select(cx.Console.Environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? GitHead(directory);
        return commit is null ? message : $"{message} (commit {commit})";
    }

    private static string? GitHead(string directory)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", directory, "rev-parse", "HEAD"])
                { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null) return null;
            var head = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && head.Length > 0 ? head : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }

    private static Command Pull(CliContext cx)
    {
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write.", DefaultValueFactory = _ => new FileInfo("configcenter.yaml") };
        var apps = new Option<string[]>("--app", "-a") { Description = "Only these apps (repeatable; default: all)." };
        var command = new Command("pull", "Write the server's drafts as configcenter.yaml, the layout apply reads.") { output, apps };
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var only = parse.GetValue(apps) ?? [];
            var text = await StatePuller.PullAsync(api, only, ct);
            var path = parse.GetRequiredValue(output).FullName;
            await File.WriteAllTextAsync(path, text, ct);
            await cx.Out.WriteLineAsync($"Wrote {path}.");
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using ConfigCenter.Cli.Api;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Commands;

/// <summary>publish, rollback, history, diff.</summary>
internal static class ReleaseCommands
{
    public static void Add(RootCommand root, CliContext cx)
    {
        root.Add(Publish(cx));
        root.Add(Rollback(cx));
        root.Add(History(cx));
        root.Add(Diff(cx));
    }

    private static Option<string> Message() => new("--message", "-m") { Description = "Why: shown in the history.", Required = true };

    private static Command Publish(CliContext cx)
    {
        var message = Message();
        var command = new Command("publish", "Publish the draft as a new release.") { message };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var result = await api.PublishAsync(ns.Read(parse), parse.GetRequiredValue(message), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(result.Release ?? (object)result.Request!);
            else if (result.Release is { } release) await cx.Out.WriteLineAsync($"Published {ns.Read(parse)} r{release.Revision} ({release.Checksum}).");
            else await cx.Out.WriteLineAsync(ReviewRequested(ns.Read(parse), result.Request!));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What a publish in an environment that requires review did: nothing is live until another Publisher approves.</summary>
    internal static string ReviewRequested(NamespaceRef ns, ReleaseRequestSummary request) =>
        $"Review requested for {ns}: release request #{request.Id} waits for another Publisher's approval (nothing is published yet).";

    private static Command Rollback(CliContext cx)
    {
        var revision = new Argument<long>("revision") { Description = "The release whose content becomes current again." };
        var message = Message();
        var command = new Command("rollback", "Publish a new release with an earlier release's content.") { revision, message };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var release = await api.RollbackAsync(ns.Read(parse), parse.GetRequiredValue(revision), parse.GetRequiredValue(message), ct);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(release);
            else await cx.Out.WriteLineAsync($"Rolled {ns.Read(parse)} back to r{parse.GetValue(revision)}'s content as r{release.Revision}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command History(CliContext cx)
    {
        var command = new Command("history", "List a namespace's releases, newest first.");
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var releases = (await api.ReleasesAsync(ns.Read(parse), ct)).OrderByDescending(r => r.Revision).ToList();
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(releases);
            else
                foreach (var r in releases)
                {
                    var rolledBack = r.RolledBackFrom is { } from ? $" (rollback to r{from})" : "";
                    await cx.Out.WriteLineAsync($"r{r.Revision,-5} {r.PublishedAt:u}  {r.PublishedBy,-12} {r.Message}{rolledBack}");
                }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Diff(CliContext cx)
    {
        var from = new Option<long?>("--from") { Description = "The older release (default: the live one)." };
        var to = new Option<long?>("--to") { Description = "The newer release (default: the draft)." };
        var command = new Command("diff", "Compare the live release with the draft, or two releases. Exit 0 = same, 1 = different, 2 = error.") { from, to };
        var ns = NamespaceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = cx.Connect(parse);
            var target = ns.Read(parse);
            DraftView? draft = null;
            async Task<DraftView> Draft() => draft ??= await api.DraftAsync(target, ct);
            var oldItems = parse.GetValue(from) is { } f ? (await api.ReleaseAsync(target, f, ct)).Items : await api.LiveItemsAsync(target, (await Draft()).PublishedRevision, ct);
            var newItems = parse.GetValue(to) is { } t ? (await api.ReleaseAsync(target, t, ct)).Items : ConfigCenterApi.ItemsOf(await Draft());
            var diff = ItemsDiffer.Compare(oldItems, newItems);
            if (parse.GetValue(cx.Json)) await cx.WriteJsonAsync(diff);
            else await WriteDiffAsync(cx, diff, "");
            return DraftWriter.IsEmpty(diff) ? ExitCodes.Success : ExitCodes.Differences;
        });
        return command;
    }

    /// <summary>+ added, ~ changed (old → new), - removed; green/yellow/red on a terminal.</summary>
    public static async Task WriteDiffAsync(CliContext cx, ItemsDiff diff, string indent)
    {
        foreach (var e in diff.Added) await cx.Out.WriteLineAsync(cx.Green($"{indent}+ {e.Key} = {e.NewValue}"));
        foreach (var e in diff.Changed) await cx.Out.WriteLineAsync(cx.Yellow($"{indent}~ {e.Key} = {e.OldValue} -> {e.NewValue}"));
        foreach (var e in diff.Removed) await cx.Out.WriteLineAsync(cx.Red($"{indent}- {e.Key} (was {e.OldValue})"));
    }
}

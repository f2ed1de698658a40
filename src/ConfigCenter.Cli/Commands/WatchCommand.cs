using System.CommandLine;
using System.Text.Json;
using System.Threading.Channels;
using ConfigCenter.Cli.Api;
using ConfigCenter.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace ConfigCenter.Cli.Commands;

/// <summary>watch: one line per release of the chosen namespaces, pushed by the server's hub (the way services get them).</summary>
internal static class WatchCommand
{
    public static void Add(RootCommand root, CliContext cx)
    {
        var app = new Option<string>("--app", "-a") { Description = "The app id.", Required = true };
        var env = new Option<string>("--env", "-e") { Description = "The environment id.", Required = true };
        var namespaces = new Option<string[]>("--namespace", "-n")
        {
            Description = "Namespaces to watch (repeatable).", DefaultValueFactory = _ => ["application"], AllowMultipleArgumentsPerToken = true,
        };
        var apiKey = new Option<string?>("--api-key") { Description = "A client API key of the app and environment (default: CONFIGCENTER_API_KEY)." };
        var count = new Option<int?>("--count") { Description = "Exit after this many new releases (default: run until Ctrl+C)." };
        var command = new Command("watch", "Print each release of the namespaces as it is published.") { app, env, namespaces, apiKey, count };
        command.SetAction(async (parse, ct) =>
        {
            var server = cx.ResolveServer(parse);
            var key = parse.GetValue(apiKey) ?? cx.Console.Environment("CONFIGCENTER_API_KEY");
            if (string.IsNullOrEmpty(key)) throw new CliException("no API key: pass --api-key or set CONFIGCENTER_API_KEY (`configcenter keys create` makes one).");
            var json = parse.GetValue(cx.Json);
            var releases = Channel.CreateUnbounded<ReleaseDocument>();
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(server, ConfigHubRoutes.Hub.TrimStart('/')), o =>
                {
                    o.Headers[ConfigHubRoutes.ApiKeyHeader] = key;
                    if (cx.Console.HttpHandler is { } handler) o.HttpMessageHandlerFactory = _ => handler;
                })
                .WithAutomaticReconnect()
                .Build();
            hub.On<ReleaseDocument>(nameof(IConfigHubClient.ReleasePublished), document => releases.Writer.TryWrite(document));
            try
            {
                await hub.StartAsync(ct);
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"cannot open the hub at {server}: {e.Message}");
            }
            var instance = new ClientInstanceInfo { InstanceId = $"configcenter-cli-{Guid.NewGuid():N}", Host = Environment.MachineName, ProcessId = Environment.ProcessId, ClientVersion = "cli" };
            var current = await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(nameof(IConfigHub.Subscribe), parse.GetRequiredValue(app), parse.GetRequiredValue(env),
                parse.GetRequiredValue(namespaces), new Dictionary<string, long>(), instance, ct);
            var seen = current.ToDictionary(d => d.Namespace, d => (d.Generation, d.Revision), StringComparer.Ordinal);
            foreach (var document in current) await WriteAsync(cx, document, json, "current");
            if (!json) await cx.Console.Error.WriteLineAsync($"Watching {string.Join(", ", parse.GetRequiredValue(namespaces))} of {parse.GetValue(app)}/{parse.GetValue(env)}; Ctrl+C stops.");

            var remaining = parse.GetValue(count);
            while (remaining is null or > 0)
            {
                var document = await releases.Reader.ReadAsync(ct);
                // The hub can repeat a release after a reconnect; print each revision once.
                if (seen.TryGetValue(document.Namespace, out var last) && last.Generation == document.Generation && last.Revision >= document.Revision) continue;
                seen[document.Namespace] = (document.Generation, document.Revision);
                await WriteAsync(cx, document, json, "published");
                remaining--;
            }
            return ExitCodes.Success;
        });
        root.Add(command);
    }

    private static Task WriteAsync(CliContext cx, ReleaseDocument d, bool json, string what) => json
        ? cx.Out.WriteLineAsync(JsonSerializer.Serialize(d, ConfigCenterApi.Json))
        : cx.Out.WriteLineAsync($"{what,-9} {d.App}/{d.Environment}/{d.Namespace} r{d.Revision} {d.PublishedAt:u} {d.PublishedBy}: {d.Message} ({d.Items.Count} keys)");
}

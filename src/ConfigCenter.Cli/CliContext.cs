using System.CommandLine;
using System.Text.Json;
using ConfigCenter.Cli.Api;

namespace ConfigCenter.Cli;

/// <summary>What every command shares: the console, the global options, and how to reach the server.</summary>
internal sealed class CliContext(CliConsole console)
{
    private static readonly JsonSerializerOptions Indented = new(ConfigCenterApi.Json) { WriteIndented = true };

    public CliConsole Console { get; } = console;

    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = "The ConfigCenter server URL (default: CONFIGCENTER_SERVER, then the saved login).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Write machine-readable JSON.", Recursive = true };

    public TextWriter Out => Console.Out;

    /// <summary>--server, then CONFIGCENTER_SERVER, then the saved login.</summary>
    public Uri ResolveServer(ParseResult parse)
    {
        var server = parse.GetValue(Server) ?? Console.Environment("CONFIGCENTER_SERVER") ?? Credentials.Load(Console.ProfileDirectory)?.Server;
        if (string.IsNullOrWhiteSpace(server))
            throw new CliException("no server: pass --server URL, set CONFIGCENTER_SERVER, or run `configcenter login --server URL`.");
        return ParseServer(server);
    }

    public static Uri ParseServer(string server)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CliException($"'{server}' is not an http(s) URL.");
        return uri;
    }

    /// <summary>A client with CONFIGCENTER_TOKEN, or the saved token when it was issued by the same server.</summary>
    public ConfigCenterApi Connect(ParseResult parse)
    {
        var server = ResolveServer(parse);
        var token = Console.Environment("CONFIGCENTER_TOKEN");
        if (string.IsNullOrEmpty(token))
        {
            var saved = Credentials.Load(Console.ProfileDirectory);
            if (saved is not null && ParseServer(saved.Server) == server) token = saved.Token;
        }
        if (string.IsNullOrEmpty(token))
            throw new CliException($"not signed in to {server}: run `configcenter login --server {server}` or set CONFIGCENTER_TOKEN.");
        return new ConfigCenterApi(server, token, Console.HttpHandler);
    }

    public Task WriteJsonAsync<T>(T value) => Out.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

    public string Green(string text) => Paint(text, "32");
    public string Red(string text) => Paint(text, "31");
    public string Yellow(string text) => Paint(text, "33");

    private string Paint(string text, string code) => Console.UseColor ? $"\u001b[{code}m{text}\u001b[0m" : text;
}

namespace ConfigCenter.Cli;

/// <summary>
/// Where a command writes and what it may read from its environment. Tests pass their own so the CLI
/// runs in-process with captured output, its own environment variables and its own profile directory.
/// </summary>
internal sealed class CliConsole
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }

    /// <summary>Colour only for a person at a terminal: never when piped, never with NO_COLOR.</summary>
    public bool UseColor { get; init; }

    /// <summary>Environment variables (CONFIGCENTER_SERVER, CONFIGCENTER_TOKEN, CONFIGCENTER_API_KEY).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The directory holding the saved login (credentials.json).</summary>
    public string ProfileDirectory { get; init; } = DefaultProfileDirectory();

    /// <summary>Handler for HTTP calls; tests leave it null.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    public static CliConsole FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        UseColor = !Console.IsOutputRedirected && string.IsNullOrEmpty(global::System.Environment.GetEnvironmentVariable("NO_COLOR")),
    };

    private static string DefaultProfileDirectory() =>
        Path.Combine(global::System.Environment.GetFolderPath(global::System.Environment.SpecialFolder.UserProfile), ".configcenter");
}

namespace ConfigCenter.Cli.Tests;

public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>Runs configcenter in-process (Program.RunAsync) with captured output, its own profile directory and environment.</summary>
public static class Cli
{
    public static Task<CliResult> RunAsync(string profileDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(profileDirectory, environment, useColor: false, args);

    /// <summary><paramref name="useColor"/> stands for a terminal (the process decides it from Console.IsOutputRedirected and NO_COLOR).</summary>
    public static async Task<CliResult> RunAsync(string profileDirectory, IReadOnlyDictionary<string, string> environment, bool useColor, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole
        {
            Out = output,
            Error = error,
            ProfileDirectory = profileDirectory,
            UseColor = useColor,
            // The test process's own variables must not leak in (a developer's CONFIGCENTER_TOKEN, CI's GITHUB_SHA).
            Environment = name => environment.TryGetValue(name, out var value) ? value : null,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await Program.RunAsync(args, console, timeout.Token);
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}

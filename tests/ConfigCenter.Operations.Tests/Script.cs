using System.Diagnostics;
using System.Text;

namespace ConfigCenter.Operations.Tests;

/// <summary>Runs the repository's shell scripts (and the tools they wrap) as real processes, with a timeout.</summary>
internal static class Script
{
    /// <summary>The repository root (the directory holding build.sh), found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish in time:{Environment.NewLine}{output}");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Runs and fails the test unless the exit code is 0.</summary>
    public static async Task<string> RunCheckedAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var (code, output) = await RunAsync(file, arguments, environment, timeout);
        Assert.True(code == 0, $"{file} {string.Join(' ', arguments)} exited with {code}:{Environment.NewLine}{output}");
        return output;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build.sh")) && Directory.Exists(Path.Combine(dir.FullName, "docker"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No repository root (build.sh + docker/) above {AppContext.BaseDirectory}.");
    }
}

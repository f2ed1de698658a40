using System.Diagnostics;
using System.Text;

namespace ConfigCenter.Cli.Tests;

/// <summary>Runs a process to completion (or kills it at the timeout) and returns its exit code and combined output.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, string workingDirectory,
        TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, CancellationToken stop = default)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cancel.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            // Stopping a server on purpose is the normal end; running out of time is a failure.
            if (!stop.IsCancellationRequested) throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{output}");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }

    public static async Task<string> RunCheckedAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = args.ToList();
        var (exit, output) = await RunAsync(file, list, workingDirectory, timeout, environment);
        Assert.True(exit == 0, $"{file} {string.Join(' ', list)} exited {exit}:\n{output}");
        return output;
    }
}

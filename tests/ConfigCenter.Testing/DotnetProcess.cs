using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Testing;

/// <summary>
/// A built project of this repository (the server, the gateway, the sample service, the fault client) as a real child
/// process (<c>dotnet X.dll --urls http://127.0.0.1:{port}</c>), configured through environment variables. It can be
/// killed (<c>kill -9</c>), stopped gracefully (SIGTERM), frozen (SIGSTOP) and thawed (SIGCONT); dispose kills it and
/// anything it started.
/// </summary>
public sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private DotnetProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Whether any line the process wrote (of the last 300) contains <paramref name="text"/>.</summary>
    public bool Wrote(string text) => _output.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>How many of the lines the process wrote (of the last 300) contain <paramref name="text"/>.</summary>
    public int CountLines(string text) => _output.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(60));

    /// <summary>Starts <c>{folder}/{project}</c>'s built dll on <paramref name="port"/>.</summary>
    /// <param name="folder">The repository folder of the project: <c>src</c> or <c>samples</c>.</param>
    /// <param name="project">The project name, e.g. <c>ConfigCenter.Gateway</c>.</param>
    /// <param name="port">The loopback port to listen on.</param>
    /// <param name="settings">Configuration keys (<c>A:B</c> becomes the environment variable <c>A__B</c>); null sets an empty value.</param>
    public static DotnetProcess Start(string folder, string project, int port, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = Locate(folder, project);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";

        var process = new Process { StartInfo = info };
        var child = new DotnetProcess(process, port);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary><c>kill -9</c>: no graceful shutdown, the registry lease is left to expire.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary><c>kill -9</c> and wait until it is gone: no graceful shutdown of any kind.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>SIGSTOP: the process is frozen, its sockets stay open.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT.</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with {kill.ExitCode}");
    }

    /// <summary>SIGTERM: the host shuts down gracefully (revokes its lease, resigns its elections) and exits within <paramref name="timeout"/>.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
    }

    /// <summary>Kills the process (and its children) if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            // It did not exit within 10 s after SIGKILL; nothing more to do from here.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 300) _output.TryDequeue(out _);
    }

    /// <summary>The project's dll built with this test assembly's configuration (the project references build it first).</summary>
    private static string Locate(string folder, string project)
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder, project, "bin", configuration, framework, $"{project}.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{project}.dll ({configuration}/{framework}) was not found above {baseDirectory.FullName}: build the solution first.");
    }
}

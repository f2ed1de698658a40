using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// A built project of this repository (the gateway, the sample service) as a real child process
/// (<c>dotnet X.dll --urls http://127.0.0.1:{port}</c>), configured through environment variables. Dispose kills it.
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

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static DotnetProcess Start(string folder, string project, int port, IReadOnlyDictionary<string, string?> settings)
    {
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
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

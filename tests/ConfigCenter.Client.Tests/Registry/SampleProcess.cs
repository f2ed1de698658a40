using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>
/// samples/ConfigCenter.SampleService as a real child process (<c>dotnet ConfigCenter.SampleService.dll</c>) on a fixed
/// loopback port, registered in the given etcd prefix. Dispose kills it (and anything it started).
/// </summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SampleProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(40));

    public static SampleProcess Start(RegistrySettings settings, int port, TimeSpan ttl, string cacheDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = SampleDll();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings.Configuration) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        info.Environment["ConfigCenter__Server__Url"] = "";
        info.Environment["ConfigCenter__CacheDirectory"] = cacheDirectory;
        info.Environment["ConfigCenter__Registration__Ttl"] = ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = new Process { StartInfo = info };
        var sample = new SampleProcess(process, port);
        process.OutputDataReceived += (_, e) => sample.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return sample;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary><c>kill -9</c>: no graceful shutdown, the lease is left to expire.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM: the host shuts down gracefully (revokes its lease, resigns its election) and exits.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
    }

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
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    /// <summary>The sample built next to this test assembly's configuration (the project reference builds it first).</summary>
    private static string SampleDll()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "ConfigCenter.SampleService", "bin", configuration, framework, "ConfigCenter.SampleService.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"ConfigCenter.SampleService.dll ({configuration}/{framework}) was not found above {baseDirectory.FullName}: build the solution first.");
    }
}

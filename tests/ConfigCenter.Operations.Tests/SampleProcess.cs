using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Operations.Tests;

/// <summary>The sample service as a real process (its build output), configured through environment variables.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SampleProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public string Output => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static SampleProcess Start(int port, IReadOnlyDictionary<string, string?> environment)
    {
        var dll = Path.Combine(Script.Root, "samples", "ConfigCenter.SampleService", "bin",
            AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "ConfigCenter.SampleService.dll");
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
        foreach (var (key, value) in environment) info.Environment[key] = value ?? "";
        var process = new Process { StartInfo = info };
        var sample = new SampleProcess(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) sample._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) sample._output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sample;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Testing;

/// <summary>Process control: kill, signal, locate the binary, clean up at exit.</summary>
public sealed partial class EtcdCluster
{
    private static async Task KillAsync(EtcdMember member)
    {
        var process = member.Process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL also ends a SIGSTOPped process
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // already gone, or not reaped in time; nothing more we can do
        }
        finally
        {
            process.Dispose();
            member.Process = null;
            member.IsPaused = false;
        }
    }

    private static async Task SignalAsync(EtcdMember member, string signal)
    {
        var pid = member.ProcessId ?? throw new InvalidOperationException($"etcd member {member.Name} is not running.");

        // The shell's kill builtin: /usr/bin/kill (procps) is not on a minimal Debian.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"kill -{signal} {pid.ToString(CultureInfo.InvariantCulture)}");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        var stderr = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({process.ExitCode}): {stderr}");
        }
    }

    private static string LocateEtcd() => LocateTool("etcd", "`sudo apt-get install -y etcd-server etcd-client`");

    private static string LocateTool(string name, string install)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var fallback = $"/usr/bin/{name}";
        if (File.Exists(fallback))
        {
            return fallback;
        }

        throw new InvalidOperationException(
            $"The {name} binary was not found on PATH nor at {fallback}. Install it (Debian/Ubuntu: " +
            $"{install}, or run `./build.sh test`, which installs it).");
    }

    private static void HookProcessExit()
    {
        if (Interlocked.Exchange(ref processExitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllNow();
        }
    }

    private static void KillAllNow()
    {
        foreach (var cluster in Live.Keys)
        {
            foreach (var member in cluster.members)
            {
                try
                {
                    member.Process?.Kill(entireProcessTree: true);
                    member.Process?.WaitForExit(2000);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // already gone
                }
            }

            DeleteDirectory(cluster.RootDir);
        }
    }

    private static void DeleteDirectory(string path)
    {
        // Every member was killed and waited for before this runs, so nothing writes here any more; a
        // second pass only covers a file that a member flushed while the first pass was walking the tree.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt == 3)
                {
                    Console.Error.WriteLine($"etcd test cluster: could not delete {path}: {ex.Message}");
                    return;
                }
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Benchmarks;

/// <summary>
/// Run-wide options: <c>--quick</c> (<c>./build.sh bench --quick</c>) runs every benchmark with small counts and short
/// windows, as a smoke check (CI runs it; the figures of a quick run are not the documented ones).
/// </summary>
internal static class Bench
{
    public static bool Quick { get; set; }

    public static int Pick(int full, int quick) => Quick ? quick : full;

    public static TimeSpan Pick(TimeSpan full, TimeSpan quick) => Quick ? quick : full;

    /// <summary>The 1-, 5- and 15-minute load averages (<c>/proc/loadavg</c>), printed with every figure.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU time a process (by id) has used so far; zero when it is gone.</summary>
    public static TimeSpan CpuOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero;
        }
    }

    public static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}

using System.Text.RegularExpressions;

namespace ConfigCenter.Operations.Tests;

/// <summary>
/// <c>./build.sh bench --quick</c> as CI's smoke check: the built benchmark program (same configuration as these tests)
/// runs a short version of every benchmark against real etcd, real servers, real PostgreSQL and Chromium. No thresholds:
/// it must exit 0 and every benchmark must have printed its result rows.
/// It runs alone (not next to the other test classes): it loads both cores for a minute and a half.
/// </summary>
[Collection(BenchmarkSmokeCollection.Name)]
public sealed class BenchmarkSmokeTests
{
    /// <summary>The benchmarks the docs describe; a quick run must cover at least these.</summary>
    private static readonly string[] Documented =
        ["editor", "fanout", "gateway", "hostile", "postgres", "publish", "read", "registry", "reload", "scale-etcd", "scale-hub"];

    [Fact]
    public async Task QuickRun_ExitsZero_AndEveryBenchmarkPrintsItsResults()
    {
        var program = BenchmarkProgram();
        var (listed, list) = await Script.RunAsync("dotnet", [program, "--list"], timeout: TimeSpan.FromMinutes(1));
        Assert.True(listed == 0, $"--list exited with {listed}:{Environment.NewLine}{list}");
        var names = list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Empty(Documented.Except(names));

        // 90 s on a quiet 2-core machine; the bound is a hang guard for a loaded one.
        var output = await Script.RunCheckedAsync("dotnet", [program, "--quick"], timeout: TimeSpan.FromMinutes(8));
        foreach (var name in names)
        {
            Assert.True(output.Contains($"== {name} done in ", StringComparison.Ordinal), $"{name} did not finish:{Environment.NewLine}{output}");
            // A result row names its benchmark in the first column, optionally with its scale: "| registry (500) | …".
            Assert.True(Regex.IsMatch(output, $@"^\| {Regex.Escape(name)}( \([^)]*\))? \| ", RegexOptions.Multiline),
                $"{name} printed no result row:{Environment.NewLine}{output}");
        }
    }

    /// <summary>tests/ConfigCenter.Benchmarks' dll, built in the configuration these tests were built in.</summary>
    private static string BenchmarkProgram()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var bin = Path.Combine(Script.Root, "tests", "ConfigCenter.Benchmarks", "bin", configuration);
        var dll = Directory.Exists(bin) ? Directory.GetFiles(bin, "ConfigCenter.Benchmarks.dll", SearchOption.AllDirectories).FirstOrDefault() : null;
        Assert.True(dll is not null, $"ConfigCenter.Benchmarks is not built under {bin} (the solution build builds it)");
        return dll;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkSmokeCollection
{
    public const string Name = "benchmark smoke run";
}

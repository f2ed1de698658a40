using System.Diagnostics;
using ConfigCenter.Benchmarks;

if (args is ["subscribers", .. var subscriberArgs]) return await SubscriberProcess.RunChildAsync(subscriberArgs);

Bench.Quick = args.Contains("--quick", StringComparer.OrdinalIgnoreCase);
args = [.. args.Where(a => !string.Equals(a, "--quick", StringComparison.OrdinalIgnoreCase))];

if (args is ["postgres-phase", var store]) return await PostgresThroughputBenchmark.RunPhaseAsync(store);

IBenchmark[] all = [.. typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)];

var selected = args.Length == 0 ? all : [.. all.Where(b => args.Contains(b.Name, StringComparer.OrdinalIgnoreCase))];
if (args is ["--list"])
{
    foreach (var benchmark in all) Console.WriteLine(benchmark.Name);
    return 0;
}
if (selected.Length == 0)
{
    Console.Error.WriteLine($"Unknown benchmark. Available: {string.Join(", ", all.Select(b => b.Name))}");
    return 2;
}
var report = new BenchmarkReport();
var failed = new List<string>();
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
foreach (var benchmark in selected)
{
    Console.WriteLine($"== {benchmark.Name} (load average {Bench.LoadAverage()}{(Bench.Quick ? ", quick" : "")})");
    var began = Stopwatch.GetTimestamp();
    try
    {
        await benchmark.RunAsync(report, cts.Token);
        Console.WriteLine($"== {benchmark.Name} done in {Stopwatch.GetElapsedTime(began).TotalSeconds:0.0} s (load average {Bench.LoadAverage()})");
    }
    catch (Exception e) when (e is not OperationCanceledException || !cts.IsCancellationRequested)
    {
        // The run goes on with the next benchmark; the exit code says that one failed.
        Console.WriteLine($"== {benchmark.Name} FAILED after {Stopwatch.GetElapsedTime(began).TotalSeconds:0.0} s: {e}");
        failed.Add(benchmark.Name);
    }
}
report.Print();
if (failed.Count == 0) return 0;
Console.WriteLine($"FAILED: {string.Join(", ", failed)}");
return 1;

namespace ConfigCenter.Benchmarks;

/// <summary>One benchmark: measures ConfigCenter and a raw baseline in the same run and prints both.</summary>
internal interface IBenchmark
{
    /// <summary>The name used on the command line (<c>./build.sh bench NAME</c>).</summary>
    string Name { get; }

    Task RunAsync(BenchmarkReport report, CancellationToken ct);
}

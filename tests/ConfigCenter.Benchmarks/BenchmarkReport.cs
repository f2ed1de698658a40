using System.Globalization;

namespace ConfigCenter.Benchmarks;

/// <summary>Collects result lines and prints them as a Markdown table for docs/benchmarks.md.</summary>
internal sealed class BenchmarkReport
{
    private readonly List<string> _rows = [];

    public void Add(string benchmark, string metric, double value, string unit, string note = "")
    {
        var row = string.Create(CultureInfo.InvariantCulture, $"| {benchmark} | {metric} | {value:0.###} {unit} | {note} |");
        _rows.Add(row);
        Console.WriteLine(row);
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine("| benchmark | metric | value | note |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in _rows) Console.WriteLine(row);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}

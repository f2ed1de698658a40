using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Tests;

/// <summary>
/// Files the CLI parses on this machine (<c>apply -f</c>, <c>import</c>) get the server's document bounds: a hostile
/// file is refused quickly with its name and the limit, the process survives, and nothing reaches the server.
/// </summary>
public sealed class LocalDocumentBoundsTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>, IDisposable
{
    // Far above the few milliseconds a refusal takes; a walk of an expanded alias bomb or a 20,000-deep model never ends in it.
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);
    private readonly string _dir = Directory.CreateTempSubdirectory("configcenter-cli-bounds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> HostileDeclarations => new()
    {
        // YamlStream builds nodes recursively: 20,000 levels overflowed the stack and killed the CLI process.
        { "nested 20,000 deep", "apps:\n  {app}:\n    name: " + string.Concat(Enumerable.Repeat("{b: ", 20_000)) + "1" + new string('}', 20_000) + "\n" },
        // 100 apps x 100 namespaces x 100 environments x 100 items from a 5 KB file: 10^8 items for the reader to walk.
        { "alias bomb", AliasBombDeclaration(100) },
        { "self-referencing alias", "apps:\n  {app}: &a\n    name: x\n    namespaces: *a\n" },
        { "over the file size limit", "apps: {}\n" + new string('#', (int)DocumentLimits.MaxFlattenedBytes) + "\n" },
    };

    [Theory]
    [MemberData(nameof(HostileDeclarations))]
    public async Task Apply_AHostileDeclaration_IsRefusedQuicklyNamingTheFile_AndCreatesNothing(string what, string yaml)
    {
        var app = CliServerFixture.NewApp();
        var file = Path.Combine(_dir, "configcenter.yaml");
        await File.WriteAllTextAsync(file, yaml.Replace("{app}", app, StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        var result = await fixture.RunAsync("apply", "-f", file, "--approve");
        clock.Stop();

        Assert.True(result.ExitCode == 2, $"{what}: {result}");
        Assert.StartsWith($"error: {file}:", result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Quickly, $"{what}: refused after {clock.Elapsed}");
        Assert.DoesNotContain(app, (await fixture.RunAsync("apps")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AnAliasBomb_NamesTheNodeLimit()
    {
        var file = Path.Combine(_dir, "configcenter.yaml");
        await File.WriteAllTextAsync(file, AliasBombDeclaration(100).Replace("{app}", CliServerFixture.NewApp(), StringComparison.Ordinal));

        var result = await fixture.RunAsync("apply", "-f", file);

        Assert.Contains($"the limit is {DocumentLimits.MaxNodes.ToString(CultureInfo.InvariantCulture)}", result.Error, StringComparison.Ordinal);
        Assert.Contains("aliases", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AliasesWithinTheLimits_StillWork()
    {
        var app = CliServerFixture.NewApp();
        var file = Path.Combine(_dir, "configcenter.yaml");
        await File.WriteAllTextAsync(file, $"""
            apps:
              {app}:
                namespaces:
                  database:
                    format: properties
                    environments:
                      dev: &same
                        items:
                          Pool:Size: "5"
                      prod: *same
            """);

        var result = await fixture.RunAsync("apply", "-f", file, "--approve");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("5", (await fixture.RunAsync("get", "Pool:Size", "-a", app, "-e", "prod", "-n", "database")).Output.Trim());
    }

    public static TheoryData<string, string, string> HostileImports => new()
    {
        { "deep.yaml", "a: " + string.Concat(Enumerable.Repeat("{b: ", 20_000)) + "1" + new string('}', 20_000) + "\n", $"{DocumentLimits.MaxDepth} levels" },
        { "bomb.yaml", AliasBomb(), $"the limit is {DocumentLimits.MaxNodes.ToString(CultureInfo.InvariantCulture)}" },
        { "deep.json", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", 20_000)) + "1" + new string('}', 20_001), $"{DocumentLimits.MaxDepth}" },
        { "big.properties", string.Concat(Enumerable.Repeat("Key=" + new string('v', 1_000) + "\n", 1_100)), $"the limit is {DocumentLimits.MaxDocumentBytes.ToString(CultureInfo.InvariantCulture)} bytes" },
    };

    [Theory]
    [MemberData(nameof(HostileImports))]
    public async Task Import_AHostileFile_IsRefusedQuicklyWithTheLimit_AndLeavesTheDraft(string name, string content, string limit)
    {
        var app = CliServerFixture.NewApp();
        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("namespaces", "create", "application", "-a", app, "--format", "properties")).ExitCode);
        var before = await fixture.RunAsync("get", "-a", app, "-e", "dev");
        var file = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(file, content);

        var clock = Stopwatch.StartNew();
        var result = await fixture.RunAsync("import", file, "-a", app, "-e", "dev");
        clock.Stop();

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.Contains(limit, result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Quickly, $"refused after {clock.Elapsed}");
        Assert.Equal(before.ToString(), (await fixture.RunAsync("get", "-a", app, "-e", "dev")).ToString());
    }

    /// <summary>Each level is one anchored entry and <paramref name="width"/> - 1 aliases of it: width^4 items once expanded.</summary>
    private static string AliasBombDeclaration(int width)
    {
        string Aliases(string prefix, string anchor) =>
            string.Concat(Enumerable.Range(1, width - 1).Select(i => $", {prefix}{i}: *{anchor}"));
        var items = string.Join(", ", Enumerable.Range(0, width).Select(i => $"K{i}: \"1\""));
        var env = $"{{e0: &E {{items: {{{items}}}}}{Aliases("e", "E")}}}";
        var ns = $"{{n0: &N {{format: properties, environments: {env}}}{Aliases("n", "N")}}}";
        var yaml = new StringBuilder("apps:\n  {app}: &A {namespaces: ").Append(ns).Append("}\n");
        for (var i = 1; i < width; i++) yaml.Append("  {app}-").Append(i).Append(": *A\n");
        return yaml.ToString();
    }

    private static string AliasBomb()
    {
        var yaml = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (var name = 'b'; name <= 'i'; name++)
        {
            yaml.Append(name).Append(": &").Append(name).Append(" [").Append(string.Join(",", Enumerable.Repeat($"*{(char)(name - 1)}", 9))).Append("]\n");
        }
        return yaml.ToString();
    }
}

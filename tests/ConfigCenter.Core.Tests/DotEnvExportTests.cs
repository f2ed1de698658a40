using System.Diagnostics;

namespace ConfigCenter.Core.Tests;

/// <summary>The .env export is sourced by a real /bin/sh: hostile keys and values must stay data.</summary>
public sealed class DotEnvExportTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("configcenter-dotenv-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task SourcingTheExport_RunsNothingAndRoundTripsEveryValue()
    {
        var items = new Dictionary<string, string?>
        {
            ["$(touch key-subst)"] = "x",
            ["`touch key-tick`"] = "x",
            ["PATH=x DB:Host"] = "x",
            ["a;touch key-semi"] = "x",
            ["9Lives"] = "x",
            ["Db:Host"] = "db.internal",
            ["Quote"] = "it's 'quoted'",
            ["Subst"] = "$(touch value-subst) `touch value-tick` $HOME",
            ["Multi"] = "line 1\nline 2\\n\t\"end\"",
            ["Empty"] = null,
        };
        var exported = ConfigExporter.ToDotEnv(items);
        Assert.DoesNotContain("touch key", exported, StringComparison.Ordinal);
        Assert.StartsWith("# Skipped 5 key(s): 5 not a valid environment variable name", exported, StringComparison.Ordinal);

        var variables = await SourceAsync(exported);

        Assert.Empty(_dir.GetFiles().Where(f => f.Name != "export.env").Select(f => f.Name));
        Assert.Equal("db.internal", variables["Db__Host"]);
        Assert.Equal("it's 'quoted'", variables["Quote"]);
        Assert.Equal("$(touch value-subst) `touch value-tick` $HOME", variables["Subst"]);
        Assert.Equal("line 1\nline 2\\n\t\"end\"", variables["Multi"]);
        Assert.Equal("", variables["Empty"]);
        Assert.NotEqual("x", variables.GetValueOrDefault("PATH"));
        Assert.False(variables.ContainsKey("DB__Host"));
    }

    [Theory]
    [InlineData("Db__Host", true)]
    [InlineData("_x9", true)]
    [InlineData("9x", false)]
    [InlineData("a-b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData("Ünïcode", false)]
    public void OnlyPosixNamesAreVariableNames(string name, bool valid) =>
        Assert.Equal(valid, ConfigExporter.IsEnvironmentVariableName(name));

    // set -a exports what the file assigns; env -0 prints NUL-separated pairs so values may hold newlines.
    private async Task<Dictionary<string, string>> SourceAsync(string dotEnv)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "export.env"), dotEnv);
        var start = new ProcessStartInfo("/bin/sh", ["-c", "set -a; . ./export.env; env -0"])
        {
            WorkingDirectory = _dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        var errors = await shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync();
        Assert.True(shell.ExitCode == 0, $"sh failed: {errors}");
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
    }
}

using System.Text.Json;

namespace ConfigCenter.Cli.Tests;

public sealed class ApplyTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("configcenter-cli-apply-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private Task<string> DeclarationAsync(string app, string poolSize = "20") => WriteAsync("configcenter.yaml", $"""
        apps:
          {app}:
            name: Orders
            namespaces:
              database:
                format: properties
                environments:
                  prod:
                    items:
                      Pool:Size: "{poolSize}"
                      ConnectionStrings:Main: Data Source=orders.db
              appsettings:
                format: json
                environments:
                  dev:
                    file: {app}/dev/appsettings.json
        """);

    private async Task<int> RevisionsAsync(string app, string env, string ns)
    {
        var history = await fixture.RunAsync("history", "-a", app, "-e", env, "-n", ns, "--json");
        return history.ExitCode == 0 ? JsonDocument.Parse(history.Output).RootElement.GetArrayLength() : 0;
    }

    [Fact]
    public async Task Plan_ChangesNothing_ApproveCreatesAndPublishes_ApplyingTwicePublishesNothing()
    {
        var app = CliServerFixture.NewApp();
        await WriteAsync($"{app}/dev/appsettings.json", """{ "Feature": { "Enabled": "yes" } }""");
        var file = await DeclarationAsync(app);

        var plan = await fixture.RunAsync("apply", "-f", file, "--detailed-exitcode");
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains($"+ app {app}", plan.Output, StringComparison.Ordinal);
        Assert.Contains("+ Pool:Size = 20", plan.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(app, (await fixture.RunAsync("apps")).Output, StringComparison.Ordinal);

        var apply = await fixture.RunAsync("apply", "-f", file, "--approve", "-m", "from git");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal("20", (await fixture.RunAsync("get", "Pool:Size", "-a", app, "-e", "prod", "-n", "database")).Output.Trim());
        Assert.Equal("yes", (await fixture.RunAsync("get", "Feature:Enabled", "-a", app, "-e", "dev", "-n", "appsettings")).Output.Trim());
        Assert.Equal(1, await RevisionsAsync(app, "prod", "database"));
        Assert.Equal(1, await RevisionsAsync(app, "dev", "appsettings"));

        var again = await fixture.RunAsync("apply", "-f", file, "--approve", "--detailed-exitcode");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("No changes", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, await RevisionsAsync(app, "prod", "database"));
        Assert.Equal(1, await RevisionsAsync(app, "dev", "appsettings"));
    }

    [Fact]
    public async Task Apply_AChange_PublishesOnlyThatNamespace_WithTheCommitInTheMessage()
    {
        var app = CliServerFixture.NewApp();
        await WriteAsync($"{app}/dev/appsettings.json", """{ "Feature": { "Enabled": "yes" } }""");
        Assert.Equal(0, (await fixture.RunAsync("apply", "-f", await DeclarationAsync(app), "--approve")).ExitCode);

        var env = new Dictionary<string, string> { ["GITHUB_SHA"] = "0123abcd" };
        var apply = await Cli.RunAsync(fixture.ProfileDirectory, env, "apply", "-f", await DeclarationAsync(app, "50"), "--approve");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(2, await RevisionsAsync(app, "prod", "database"));
        Assert.Equal(1, await RevisionsAsync(app, "dev", "appsettings"));
        var history = await fixture.RunAsync("history", "-a", app, "-e", "prod", "-n", "database");
        Assert.Contains("configcenter apply (commit 0123abcd)", history.Output.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_RemovesKeysTheFileDoesNotList_OnlyWhenAsked()
    {
        var app = CliServerFixture.NewApp();
        await WriteAsync($"{app}/dev/appsettings.json", "{}");
        var file = await DeclarationAsync(app);
        Assert.Equal(0, (await fixture.RunAsync("apply", "-f", file, "--approve")).ExitCode);
        await fixture.RunAsync("set", "Extra", "1", "-a", app, "-e", "prod", "-n", "database");

        Assert.Equal(0, (await fixture.RunAsync("apply", "-f", file, "--approve")).ExitCode);
        Assert.Equal("1", (await fixture.RunAsync("get", "Extra", "-a", app, "-e", "prod", "-n", "database")).Output.Trim());

        Assert.Equal(0, (await fixture.RunAsync("apply", "-f", file, "--approve", "--prune")).ExitCode);
        Assert.Equal(2, (await fixture.RunAsync("get", "Extra", "-a", app, "-e", "prod", "-n", "database")).ExitCode);
    }

    [Theory]
    [InlineData("format: xml", 6, "apps.{app}.namespaces.database.format")]
    [InlineData("colour: blue", 6, "apps.{app}.namespaces.database")]
    public async Task Apply_ABadFile_NamesFileLineAndField_AndChangesNothing(string badLine, int line, string field)
    {
        var app = CliServerFixture.NewApp();
        var file = await WriteAsync("bad.yaml", $"""
            apps:
              {app}:
                namespaces:
                  database:
                    environments: {"{"}prod: {"{"}items: {"{"}A: "1"{"}"}{"}"}{"}"}
                    {badLine}
            """);

        var result = await fixture.RunAsync("apply", "-f", file, "--approve");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {file}:{line}:", result.Error, StringComparison.Ordinal);
        Assert.Contains(field.Replace("{app}", app, StringComparison.Ordinal) + ":", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(app, (await fixture.RunAsync("apps")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AFileThatPointsAtABrokenDocument_NamesBoth()
    {
        var app = CliServerFixture.NewApp();
        await WriteAsync($"{app}/dev/appsettings.json", "{ \"A\": ");
        var file = await DeclarationAsync(app);

        var result = await fixture.RunAsync("apply", "-f", file, "--approve");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:", result.Error, StringComparison.Ordinal);
        Assert.Contains("appsettings.json:1", result.Error, StringComparison.Ordinal);
        Assert.Contains(".environments.dev.file:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(app, (await fixture.RunAsync("apps")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_IntoAMissingDirectory_FailsWithOneLine()
    {
        var result = await fixture.RunAsync("pull", "-o", Path.Combine(_dir, "no", "such", "dir", "configcenter.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task PullThenApply_IsANoOp()
    {
        var app = CliServerFixture.NewApp();
        await fixture.RunAsync("apps", "create", app, "--description", "pulled: with a colon");
        await fixture.RunAsync("namespaces", "create", "application", "-a", app);
        await fixture.RunAsync("namespaces", "create", "settings", "-a", app, "--format", "yaml");
        foreach (var (key, value) in new[] { ("Pool:Size", "20"), ("Flag", "true"), ("Empty", ""), ("Quote", "say \"hi\": now") })
            await fixture.RunAsync("set", key, value, "-a", app, "-e", "prod");
        await fixture.RunAsync("publish", "-m", "before git", "-a", app, "-e", "prod");
        var yaml = await WriteAsync("settings.yaml", "Logging:\n  Level: Debug\nPort: 8080\n");
        await fixture.RunAsync("import", yaml, "-a", app, "-e", "test", "-n", "settings");
        await fixture.RunAsync("publish", "-m", "yaml", "-a", app, "-e", "test", "-n", "settings");
        var file = Path.Combine(_dir, "pulled.yaml");

        var pull = await fixture.RunAsync("pull", "-o", file, "--app", app);

        Assert.Equal(0, pull.ExitCode);
        var apply = await fixture.RunAsync("apply", "-f", file, "--detailed-exitcode", "--prune");
        Assert.True(apply.ExitCode == 0, apply.ToString() + await File.ReadAllTextAsync(file));
        Assert.Contains("No changes", apply.Output, StringComparison.Ordinal);
    }
}

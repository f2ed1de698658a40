using System.Net.Http.Json;
using System.Text.Json;

namespace ConfigCenter.Cli.Tests;

public sealed class DraftCommandTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("configcenter-cli-draft-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> NewAppAsync(string format = "properties")
    {
        var app = CliServerFixture.NewApp();
        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("namespaces", "create", "application", "-a", app, "--format", format)).ExitCode);
        return app;
    }

    [Fact]
    public async Task SetGetDelete_EditTheDraft()
    {
        var app = await NewAppAsync();

        Assert.Equal(0, (await fixture.RunAsync("set", "Pool:Size", "20", "-a", app, "-e", "prod")).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("set", "Name", "orders", "-a", app, "-e", "prod")).ExitCode);
        Assert.Equal("20", (await fixture.RunAsync("get", "pool:size", "-a", app, "-e", "prod")).Output.Trim());
        Assert.Equal(0, (await fixture.RunAsync("delete", "Name", "-a", app, "-e", "prod")).ExitCode);

        var all = await fixture.RunAsync("get", "-a", app, "-e", "prod");
        Assert.Equal("Pool:Size = 20", all.Output.Trim());
        var json = await fixture.RunAsync("get", "-a", app, "-e", "prod", "--json");
        Assert.Contains("\"Pool:Size\": \"20\"", json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AMissingKey_ExitsTwo()
    {
        var app = await NewAppAsync();

        var result = await fixture.RunAsync("get", "Nope", "-a", app, "-e", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no key 'Nope'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_InAnUnknownApp_ShowsTheServersNotFound()
    {
        var result = await fixture.RunAsync("set", "A", "1", "-a", "no-such-app", "-e", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_InAnUnknownNamespace_ShowsTheServersNotFound()
    {
        var app = await NewAppAsync();

        var result = await fixture.RunAsync("delete", "A", "-a", app, "-e", "prod", "-n", "missing");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_FlattensAppSettingsLikeIConfiguration()
    {
        var app = await NewAppAsync();
        var file = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "Logging": { "LogLevel": { "Default": "Warning" } }, "Hosts": ["a", "b"], "Retries": 3 }""");

        var result = await fixture.RunAsync("import", file, "-a", app, "-e", "dev");

        Assert.Equal(0, result.ExitCode);
        var all = await fixture.RunAsync("get", "-a", app, "-e", "dev");
        Assert.Equal(["Hosts:0 = a", "Hosts:1 = b", "Logging:LogLevel:Default = Warning", "Retries = 3"], all.Output.Trim().Split('\n'));
    }

    [Fact]
    public async Task Import_IntoAJsonNamespace_KeepsTheFileAsWritten()
    {
        var app = await NewAppAsync("json");
        var file = Path.Combine(_dir, "appsettings.json");
        const string Text = "{\n  \"Feature\": { \"Enabled\": true }\n}\n";
        await File.WriteAllTextAsync(file, Text);

        Assert.Equal(0, (await fixture.RunAsync("import", file, "-a", app, "-e", "dev", "--prune")).ExitCode);

        Assert.Equal("True", (await fixture.RunAsync("get", "Feature:Enabled", "-a", app, "-e", "dev")).Output.Trim());
        using var admin = await fixture.Server.CreateAdminClientAsync();
        var draft = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/apps/{app}/envs/dev/namespaces/application");
        Assert.Equal(Text, draft.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Import_ABrokenFile_NamesFileAndLineAndChangesNothing()
    {
        var app = await NewAppAsync();
        var file = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(file, "{\n  \"A\": 1,\n  \"B\": \n}\n");

        var result = await fixture.RunAsync("import", file, "-a", app, "-e", "dev");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:4", result.Error, StringComparison.Ordinal);
        Assert.Equal("", (await fixture.RunAsync("get", "-a", app, "-e", "dev")).Output.Trim());
    }

    [Theory]
    [InlineData("json", "\"Pool\": {")]
    [InlineData("yaml", "Pool:\n  Size: '20'")]
    [InlineData("env", "Pool__Size=20")]
    public async Task Export_WritesTheDraftInEachFormat(string format, string expected)
    {
        var app = await NewAppAsync();
        await fixture.RunAsync("set", "Pool:Size", "20", "-a", app, "-e", "prod");

        var result = await fixture.RunAsync("export", "--format", format, "-a", app, "-e", "prod");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Output.Replace("\"20\"", "'20'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AnUnknownFormat_IsAUsageError()
    {
        var result = await fixture.RunAsync("export", "--format", "toml", "-a", "x", "-e", "prod");

        Assert.Equal(2, result.ExitCode);
    }
}

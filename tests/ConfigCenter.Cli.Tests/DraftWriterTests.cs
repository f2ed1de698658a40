using ConfigCenter.Cli.Api;

namespace ConfigCenter.Cli.Tests;

/// <summary>The draft writes apply makes are conditional on the draft it planned against.</summary>
public sealed class DraftWriterTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    [Theory]
    [InlineData("properties")]
    [InlineData("json")]
    public async Task Write_AfterSomeoneElseEditedTheDraft_FailsAndKeepsTheirEdit(string format)
    {
        var app = CliServerFixture.NewApp();
        await fixture.RunAsync("apps", "create", app);
        await fixture.RunAsync("namespaces", "create", "application", "-a", app, "--format", format);
        using var admin = await fixture.Server.CreateAdminClientAsync();
        using var api = new ConfigCenterApi(fixture.Server.BaseAddress, admin.DefaultRequestHeaders.Authorization!.Parameter);
        var target = new NamespaceRef(app, "prod", "application");
        var planned = await api.DraftAsync(target, default);
        // Someone else edits the draft after it was read.
        if (format == "json") await api.SetContentAsync(target, """{ "Theirs": "1" }""", default);
        else await api.SetItemAsync(target, "Theirs", "1", null, default);

        var error = await Assert.ThrowsAsync<CliException>(() => DraftWriter.WriteAsync(api, target, planned, ConfigCenterApi.ItemsOf(planned),
            new Dictionary<string, string?> { ["Mine"] = "2" }, null, default));

        Assert.StartsWith("412 Precondition Failed", error.Message, StringComparison.Ordinal);
        var items = ConfigCenterApi.ItemsOf(await api.DraftAsync(target, default));
        Assert.Equal("1", items["Theirs"]);
        Assert.False(items.ContainsKey("Mine"));
    }
}

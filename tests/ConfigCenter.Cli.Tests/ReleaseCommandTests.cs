using System.Net.Http.Json;
using System.Text.Json;

namespace ConfigCenter.Cli.Tests;

public sealed class ReleaseCommandTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private async Task<string> AppWithKeyAsync(string value)
    {
        var app = CliServerFixture.NewApp();
        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("namespaces", "create", "application", "-a", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("set", "Pool:Size", value, "-a", app, "-e", "prod")).ExitCode);
        return app;
    }

    [Fact]
    public async Task PublishThenHistory_ShowsTheReleaseWithItsMessage()
    {
        var app = await AppWithKeyAsync("20");

        var publish = await fixture.RunAsync("publish", "-m", "first release", "-a", app, "-e", "prod");

        Assert.Equal(0, publish.ExitCode);
        Assert.Contains("r1", publish.Output, StringComparison.Ordinal);
        var history = await fixture.RunAsync("history", "-a", app, "-e", "prod", "--json");
        var release = Assert.Single(JsonDocument.Parse(history.Output).RootElement.EnumerateArray());
        Assert.Equal("first release", release.GetProperty("message").GetString());
        Assert.Equal(1, release.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Publish_WhereTheEnvironmentRequiresReview_ReportsTheReleaseRequest_NotARelease()
    {
        // An environment of its own: review is switched per environment, for every app in it.
        var env = $"rv{Guid.NewGuid():N}"[..12];
        using var admin = await fixture.Server.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync("/api/v1/environments", new { id = env, name = env })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/environments/{env}/review", new { requiresReview = true })).EnsureSuccessStatusCode();
        var app = CliServerFixture.NewApp();
        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("namespaces", "create", "application", "-a", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("set", "Pool:Size", "20", "-a", app, "-e", env)).ExitCode);

        var publish = await fixture.RunAsync("publish", "-m", "needs a second pair of eyes", "-a", app, "-e", env);

        Assert.Equal(0, publish.ExitCode);
        Assert.Contains("Review requested", publish.Output, StringComparison.Ordinal);
        Assert.Contains("release request #", publish.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Published", publish.Output, StringComparison.Ordinal);
        var history = await fixture.RunAsync("history", "-a", app, "-e", env, "--json");
        Assert.Empty(JsonDocument.Parse(history.Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Publish_WithNothingChanged_ReportsTheServersConflict()
    {
        var app = await AppWithKeyAsync("20");
        await fixture.RunAsync("publish", "-m", "first", "-a", app, "-e", "prod");

        var again = await fixture.RunAsync("publish", "-m", "again", "-a", app, "-e", "prod");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("Nothing to publish", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WithoutAMessage_IsAUsageError()
    {
        var result = await fixture.RunAsync("publish", "-a", "x", "-e", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--message", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_ExitCodes_ZeroWhenSame_OneWhenDifferent_TwoOnError()
    {
        var app = await AppWithKeyAsync("20");

        var unpublished = await fixture.RunAsync("diff", "-a", app, "-e", "prod");
        Assert.Equal(1, unpublished.ExitCode);
        Assert.Equal("+ Pool:Size = 20", unpublished.Output.Trim()); // plain text when not on a terminal: no escape codes

        await fixture.RunAsync("publish", "-m", "r1", "-a", app, "-e", "prod");
        Assert.Equal(0, (await fixture.RunAsync("diff", "-a", app, "-e", "prod")).ExitCode);

        await fixture.RunAsync("set", "Pool:Size", "50", "-a", app, "-e", "prod");
        await fixture.RunAsync("publish", "-m", "r2", "-a", app, "-e", "prod");
        var releases = await fixture.RunAsync("diff", "--from", "1", "--to", "2", "-a", app, "-e", "prod");
        Assert.Equal(1, releases.ExitCode);
        Assert.Equal("~ Pool:Size = 20 -> 50", releases.Output.Trim());

        var missing = await fixture.RunAsync("diff", "--from", "1", "--to", "99", "-a", app, "-e", "prod");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: 404", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_OnATerminal_ColoursAddedKeysGreen()
    {
        var app = await AppWithKeyAsync("20");

        var result = await Cli.RunAsync(fixture.ProfileDirectory, new Dictionary<string, string>(), useColor: true, "diff", "-a", app, "-e", "prod");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("\u001b[32m+ Pool:Size = 20\u001b[0m", result.Output.Trim());
    }

    [Fact]
    public async Task Rollback_PublishesTheEarlierContentAsANewRevision()
    {
        var app = await AppWithKeyAsync("20");
        await fixture.RunAsync("publish", "-m", "r1", "-a", app, "-e", "prod");
        await fixture.RunAsync("set", "Pool:Size", "50", "-a", app, "-e", "prod");
        await fixture.RunAsync("publish", "-m", "r2", "-a", app, "-e", "prod");

        var rollback = await fixture.RunAsync("rollback", "1", "-m", "back to 20", "-a", app, "-e", "prod", "--json");

        Assert.Equal(0, rollback.ExitCode);
        var release = JsonDocument.Parse(rollback.Output).RootElement;
        Assert.Equal(3, release.GetProperty("revision").GetInt64());
        Assert.Equal(0, (await fixture.RunAsync("diff", "--from", "1", "--to", "3", "-a", app, "-e", "prod")).ExitCode);
    }

    [Fact]
    public async Task Rollback_ToAMissingRevision_Fails()
    {
        var app = await AppWithKeyAsync("20");
        await fixture.RunAsync("publish", "-m", "r1", "-a", app, "-e", "prod");

        var result = await fixture.RunAsync("rollback", "7", "-m", "nope", "-a", app, "-e", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_OfAnUnknownNamespace_Fails()
    {
        var app = await AppWithKeyAsync("20");

        var result = await fixture.RunAsync("history", "-a", app, "-e", "prod", "-n", "missing");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 404", result.Error, StringComparison.Ordinal);
    }
}

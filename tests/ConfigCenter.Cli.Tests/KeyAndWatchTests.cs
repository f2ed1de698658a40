using System.Text.Json;

namespace ConfigCenter.Cli.Tests;

public sealed class KeyAndWatchTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private async Task<string> NewAppAsync()
    {
        var app = CliServerFixture.NewApp();
        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app)).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("namespaces", "create", "application", "-a", app)).ExitCode);
        return app;
    }

    [Fact]
    public async Task Keys_CreateListRevoke()
    {
        var app = await NewAppAsync();

        var created = await fixture.RunAsync("keys", "create", "orders-prod", "-a", app, "-e", "prod", "--json");
        Assert.Equal(0, created.ExitCode);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetInt32();

        var list = await fixture.RunAsync("keys", "list", "-a", app, "-e", "prod");
        Assert.Contains("orders-prod", list.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await fixture.RunAsync("keys", "revoke", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", app, "-e", "prod")).ExitCode);
        Assert.DoesNotContain("orders-prod", (await fixture.RunAsync("keys", "list", "-a", app, "-e", "prod")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRevoke_AnUnknownId_Fails()
    {
        var app = await NewAppAsync();

        var result = await fixture.RunAsync("keys", "revoke", "424242", "-a", app, "-e", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_PrintsTheCurrentReleaseThenEachPublish()
    {
        var app = await NewAppAsync();
        await fixture.RunAsync("set", "A", "1", "-a", app, "-e", "prod");
        await fixture.RunAsync("publish", "-m", "one", "-a", app, "-e", "prod");
        var key = (await fixture.RunAsync("keys", "create", "watcher", "-a", app, "-e", "prod")).Output.Trim();

        var watch = fixture.RunAsync("watch", "-a", app, "-e", "prod", "--api-key", key, "--count", "1");
        // Publish until the watcher has subscribed and seen one: a single publish could land before it subscribed.
        var revision = 1;
        while (!watch.IsCompleted && revision < 50)
        {
            await Task.Delay(200);
            await fixture.RunAsync("set", "A", $"{++revision}", "-a", app, "-e", "prod");
            await fixture.RunAsync("publish", "-m", $"publish {revision}", "-a", app, "-e", "prod");
        }
        var result = await watch;

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Trim().Split('\n');
        Assert.StartsWith($"current   {app}/prod/application r", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^published {app}/prod/application r\d+ .* admin: publish \d+ \(1 keys\)$", lines[1]);
    }

    [Fact]
    public async Task Watch_WithABadApiKey_Fails()
    {
        var app = await NewAppAsync();

        var result = await fixture.RunAsync("watch", "-a", app, "-e", "prod", "--api-key", "not-a-key", "--count", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("401", result.Error, StringComparison.Ordinal);
    }
}

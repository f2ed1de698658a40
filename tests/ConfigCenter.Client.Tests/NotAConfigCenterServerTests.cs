using System.Diagnostics;
using ConfigCenter.Client.Internal;
using ConfigCenter.Client.Server;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// Only the server's own "no release yet" answer counts as live with nothing published; a URL that answers 404 to
/// everything (another host, or the right host under a wrong base path) fails start-up with what it answered.
/// </summary>
public sealed class NotAConfigCenterServerTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task AHostAnswering404ToEverything_FailsStartup_NamingTheUrlAndTheAnswer()
    {
        await using var host = await NotFoundHost.StartAsync();
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o => UseServer(o, ServerFixtureBase.NewApp("not-cc"), host.Url)));

        // Not at once: the client waited out the start-up timeout (less the timer's granularity) for a real answer.
        Assert.True(watch.Elapsed >= Short - TimeSpan.FromMilliseconds(50), $"failed after {watch.Elapsed}, before the start-up timeout");
        Assert.Contains($"server {host.Url}", error.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/config/dev/", error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a ConfigCenter server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRealServerUnderAWrongBasePath_FailsStartup_EvenThoughItAnswersProblemDetails()
    {
        var app = ServerFixtureBase.NewApp("wrong-base");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        var url = new Uri(fixture.Server.BaseAddress, "/configcenter").ToString();

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o => UseServer(o, app, url, key)));

        Assert.True(error.Message.Contains($"server {url}", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("/configcenter/api/v1/config/dev/", StringComparison.Ordinal), error.Message);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRealServer_WithNothingPublished_CountsAsLive_AndStartsEmpty()
    {
        var app = ServerFixtureBase.NewApp("nothing-yet");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));

        using var client = TestClient.Start(o => UseServer(o, app, fixture.Server.BaseAddress.ToString(), key));

        Assert.Empty(client.Changes.AppliedRevisions);
        Assert.True(client.Runtime.LiveSourceAnswered);
        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "first"));
        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("first", client["Greeting"]);
    }

    [Fact]
    public async Task HttpSnapshot_TakesOnlyTheServersOwnNotFound_AsNothingPublished()
    {
        var app = ServerFixtureBase.NewApp("snapshot-404");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await using var host = await NotFoundHost.StartAsync();

        await FetchAsync(app, fixture.Server.BaseAddress.ToString(), key);
        var wrongHost = await Assert.ThrowsAsync<HttpRequestException>(() => FetchAsync(app, host.Url, key));
        var wrongPath = await Assert.ThrowsAsync<HttpRequestException>(() => FetchAsync(app, new Uri(fixture.Server.BaseAddress, "/configcenter/").ToString(), key));

        Assert.Contains($"GET {host.Url}/api/v1/config/dev/{app}/application answered 404", wrongHost.Message, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", wrongPath.Message, StringComparison.Ordinal);
    }

    private static async Task FetchAsync(string app, string url, string key)
    {
        var options = new ConfigCenterOptions { App = app, Environment = "dev" };
        options.Server.Url = url;
        options.Server.ApiKey = key;
        using var snapshots = new SnapshotClient(options, new ReleaseApplier(options, NullLogger.Instance));
        await snapshots.FetchAllAsync(CancellationToken.None);
    }

    private static void UseServer(ConfigCenterOptions o, string app, string url, string key = "cc_key")
    {
        o.App = app;
        o.Environment = "dev";
        o.Server.Url = url;
        o.Server.ApiKey = key;
        o.StartupTimeout = Short;
    }

    /// <summary>A real Kestrel that answers 404 with an empty body to every request, as a wrong host would.</summary>
    private sealed class NotFoundHost(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<NotFoundHost> StartAsync()
        {
            var url = $"http://127.0.0.1:{FreePort.Get()}";
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = EmptyContentRoot.Path });
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            app.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            await app.StartAsync();
            return new NotFoundHost(app, url);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}


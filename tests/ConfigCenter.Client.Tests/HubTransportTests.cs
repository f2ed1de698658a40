using System.Net;
using ConfigCenter.Client.Internal;
using ConfigCenter.Client.Server;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>The server transport (SignalR hub + HTTP snapshot) against a real standalone server.</summary>
public sealed class HubTransportTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Publish_ViaSignalR_FiresOptionsChangeOnceWithTheNewValues()
    {
        var app = ServerFixtureBase.NewApp("hub-publish");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello"), ("Pool:Size", "3"));
        using var client = TestClient.Start(o => UseServer(o, app, key));
        Assert.Equal("hello", client.Monitor.CurrentValue.Greeting);

        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "pushed"), ("Pool:Size", null), ("Color", "green"));

        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("pushed", client.Monitor.CurrentValue.Greeting);
        var change = Assert.Single(client.OptionChanges);
        Assert.Equal("green", change["Color"]);
        Assert.False(change.ContainsKey("Pool:Size"));
        var applied = Assert.Single(client.ChangeEvents);
        Assert.Equal((revision, "hub"), (applied.NewRevision, applied.Source));
    }

    [Fact]
    public async Task WrongApiKey_IsRejected_WithAClearStartupFailure()
    {
        var app = ServerFixtureBase.NewApp("hub-wrong-key");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "secret"));

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o =>
        {
            UseServer(o, app, "cc_not-a-real-key");
            o.StartupTimeout = TimeSpan.FromSeconds(2);
        }));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains(app, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyOfAnotherApp_IsRefusedBySubscribe()
    {
        var app = ServerFixtureBase.NewApp("hub-scope");
        var other = ServerFixtureBase.NewApp("hub-other");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        var otherKey = await fixture.Api.CreateAppWithKeyAsync(other, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "private"));

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o =>
        {
            UseServer(o, app, otherKey);
            o.StartupTimeout = TimeSpan.FromSeconds(2);
        }));

        Assert.Contains("may not read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpSnapshot_WithTheApiKey_LoadsTheRelease_AndRevalidatesWithTheETag()
    {
        var app = ServerFixtureBase.NewApp("http-snapshot");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "from-http"));
        var options = new ConfigCenterOptions { App = app, Environment = "dev" };
        options.Server.Url = fixture.Server.BaseAddress.ToString();
        options.Server.ApiKey = key;
        var published = new List<ReleasesApplied>();
        var applier = new ReleaseApplier(options, NullLogger.Instance);
        applier.Applied += published.Add;
        using var snapshots = new SnapshotClient(options, applier);

        await snapshots.FetchAllAsync(CancellationToken.None);
        await snapshots.FetchAllAsync(CancellationToken.None);

        Assert.Equal("from-http", Assert.Single(published).Current["application"].Items["Greeting"]);
        Assert.Equal(1, applier.Current["application"].Revision);

        options.Server.ApiKey = "cc_wrong";
        var rejected = await Assert.ThrowsAsync<HttpRequestException>(() => snapshots.FetchAllAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_AndMetrics_ReportTheConnectedTransportAndAppliedRevision()
    {
        var app = ServerFixtureBase.NewApp("hub-health");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "x"));
        var revisions = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ConfigCenter.Client" && instrument.Name == "configcenter.client.applied_revision") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string == app) revisions.Add(value);
            }
        });
        listener.Start();
        using var client = TestClient.Start(o => UseServer(o, app, key));
        await WaitFor.ConditionAsync(() => client.Runtime.Transports[0].Connected, Timeout, "the hub connects");

        var health = await new ConfigCenterHealthCheck(client.Configuration).CheckHealthAsync(new(), CancellationToken.None);
        listener.RecordObservableInstruments();

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Status);
        Assert.Equal(1L, health.Data[$"{app}/dev:revision:application"]);
        Assert.Contains(1L, revisions);
    }

    private void UseServer(ConfigCenterOptions o, string app, string key)
    {
        o.App = app;
        o.Environment = "dev";
        o.Server.Url = fixture.Server.BaseAddress.ToString();
        o.Server.ApiKey = key;
    }
}

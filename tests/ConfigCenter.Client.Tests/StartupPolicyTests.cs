using System.Diagnostics;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests;

/// <summary>Start-up: live source, then the last-known-good cache, then (only when optional) empty.</summary>
public sealed class StartupPolicyTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task WithEtcdAndServerDown_StartsFromTheCache()
    {
        var (app, key, cacheDir) = await PublishAndCacheAsync("startup-cache");

        using var client = TestClient.Start(o => UseDeadSources(o, app, key, cacheDir));

        Assert.Equal("cached", client["Greeting"]);
        Assert.Equal(1, client.Changes.AppliedRevisions[new ConfigCenterNamespace(app, "dev", "application")]);
        Assert.True(client.Logs.Has(LogLevel.Warning, "last-known-good"), "start-up says it used the cache");
    }

    [Fact]
    public async Task ACorruptedCacheFile_IsIgnoredWithAWarning()
    {
        var (app, key, cacheDir) = await PublishAndCacheAsync("startup-corrupt");
        var file = Path.Combine(cacheDir, "application.json");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("cached", "tampered", StringComparison.Ordinal));

        using var client = TestClient.Start(o =>
        {
            UseDeadSources(o, app, key, cacheDir);
            o.Optional = true;
        });

        Assert.Null(client["Greeting"]);
        Assert.True(client.Logs.Has(LogLevel.Warning, "corrupted cache file"), "the corrupted file is reported");
    }

    [Fact]
    public async Task NoCache_AndRequired_FailsClearlyWithinTheTimeout()
    {
        var app = ServerFixtureBase.NewApp("startup-fail");
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o =>
            UseDeadSources(o, app, "cc_key", Directory.CreateTempSubdirectory("cc-empty-").FullName)));

        Assert.True(watch.Elapsed < Short + TimeSpan.FromSeconds(3), $"failed after {watch.Elapsed}");
        Assert.Contains($"app '{app}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("environment 'dev'", error.Message, StringComparison.Ordinal);
        Assert.Contains("etcd [http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("No last-known-good cache", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Optional_StartsEmpty_AndLoadsOnceTheServerIsReachable()
    {
        var app = ServerFixtureBase.NewApp("startup-optional");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "late"));
        await using var proxy = new TcpProxy(fixture.Server.BaseAddress);
        proxy.Disconnect();

        using var client = TestClient.Start(o =>
        {
            o.App = app;
            o.Environment = "dev";
            o.Server.Url = proxy.Url;
            o.Server.ApiKey = key;
            o.StartupTimeout = Short;
            o.Optional = true;
        });
        Assert.Null(client["Greeting"]);
        proxy.Reconnect();

        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("late", client.Monitor.CurrentValue.Greeting);
        Assert.Single(client.OptionChanges);
    }

    private async Task<(string App, string Key, string CacheDirectory)> PublishAndCacheAsync(string name)
    {
        var app = ServerFixtureBase.NewApp(name);
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "cached"));
        var cacheDir = Directory.CreateTempSubdirectory("cc-lkg-").FullName;
        using (var live = TestClient.Start(o =>
        {
            o.App = app;
            o.Environment = "dev";
            o.Server.Url = fixture.Server.BaseAddress.ToString();
            o.Server.ApiKey = key;
            o.CacheDirectory = cacheDir;
        }))
        {
            Assert.Equal("cached", live["Greeting"]);
            await WaitFor.ConditionAsync(() => File.Exists(Path.Combine(cacheDir, "application.json")), TimeSpan.FromSeconds(10), "the release is cached");
        }
        return (app, key, cacheDir);
    }

    private static void UseDeadSources(ConfigCenterOptions o, string app, string key, string cacheDir)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [$"http://127.0.0.1:{FreePort.Get()}"];
        o.Server.Url = $"http://127.0.0.1:{FreePort.Get()}";
        o.Server.ApiKey = key;
        o.CacheDirectory = cacheDir;
        o.StartupTimeout = Short;
    }
}

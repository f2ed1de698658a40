using System.Net.Http.Json;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// Secret values through a real server, etcd and client: the client decrypts them with <c>ConfigCenter:SecretKeys</c> before
/// configuration sees them, keeps them sealed in its cache file, and without the key fails clearly instead of exposing ciphertext.
/// </summary>
public sealed class SecretsClientTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    [Fact]
    public async Task ClientWithTheKey_SeesPlaintextInConfigurationAndOptions_AndItsCacheFileHoldsOnlyTheEnvelope()
    {
        var app = ServerFixtureBase.NewApp("secret-etcd");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        var revision = await PublishSecretAsync(app, ("Greeting", "s3cret-hello"), ("Color", "blue"));
        var key = await EnvironmentKeyAsync();
        using var client = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.SecretKeys = [key];
        });

        Assert.Equal("s3cret-hello", client.Monitor.CurrentValue.Greeting);
        Assert.Equal("s3cret-hello", client["Greeting"]);
        Assert.Equal("blue", client["Color"]);

        revision = await PublishSecretAsync(app, ("Greeting", "s3cret-changed"), ("Color", "blue"));
        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("s3cret-changed", client.Monitor.CurrentValue.Greeting);

        var cacheFile = Path.Combine(client.Runtime.Options.CacheDirectory!, "application.json");
        await WaitFor.ConditionAsync(() => File.Exists(cacheFile) && File.ReadAllText(cacheFile).Contains($"\"revision\":{revision}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the cache file holds the newest release");
        var cached = await File.ReadAllTextAsync(cacheFile);
        Assert.DoesNotContain("s3cret", cached, StringComparison.Ordinal);
        Assert.Contains(SecretEnvelope.Prefix, cached, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Logs.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientWithoutTheKey_FailsAtStart_NamingTheNamespaceAndKeyId()
    {
        var app = ServerFixtureBase.NewApp("secret-nokey");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await PublishSecretAsync(app, ("Greeting", "s3cret-start"));
        var keyId = await EnvironmentKeyIdAsync();

        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.Optional = true;
            o.StartupTimeout = TimeSpan.FromSeconds(5);
        }));

        Assert.Contains("namespace 'application'", error.Message, StringComparison.Ordinal);
        Assert.Contains(keyId, error.Message, StringComparison.Ordinal);
        Assert.Contains("ConfigCenter:SecretKeys", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithoutTheKey_OnALaterSecretRelease_KeepsTheLastGoodValues_AndLogsAnError()
    {
        var app = ServerFixtureBase.NewApp("secret-later");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "plain"), ("Color", "red"));
        using var client = TestClient.Start(o => UseEtcd(o, app));
        Assert.Equal("plain", client["Greeting"]);
        var keyId = await EnvironmentKeyIdAsync();

        var revision = await PublishSecretAsync(app, ("Greeting", "s3cret-later"), ("Color", "green"));

        await WaitFor.ConditionAsync(() => client.Logs.Has(LogLevel.Error, $"r{revision}"), TimeSpan.FromSeconds(15), "the client logs the refused release");
        var logged = client.Logs.Entries.First(e => e.Level == LogLevel.Error && e.Message.Contains($"r{revision}", StringComparison.Ordinal)).Message;
        Assert.Contains("application", logged, StringComparison.Ordinal);
        Assert.Contains(keyId, logged, StringComparison.Ordinal);
        Assert.Equal("plain", client["Greeting"]);
        Assert.Equal("red", client["Color"]);
        Assert.DoesNotContain(client.Configuration.AsEnumerable(), kv => kv.Value?.Contains(SecretEnvelope.Prefix, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task SecretKeys_BindFromConfiguration_AndDecryptReleasesFromTheHub()
    {
        var app = ServerFixtureBase.NewApp("secret-hub");
        var apiKey = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await PublishSecretAsync(app, ("Greeting", "s3cret-hub"));
        var key = await EnvironmentKeyAsync();
        using var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConfigCenter:App"] = app,
            ["ConfigCenter:Environment"] = "dev",
            ["ConfigCenter:Server:Url"] = fixture.Server.BaseAddress.ToString(),
            ["ConfigCenter:Server:ApiKey"] = apiKey,
            ["ConfigCenter:CacheDirectory"] = Directory.CreateTempSubdirectory("cc-secret-hub-").FullName,
            ["ConfigCenter:SecretKeys:0"] = key,
        });

        configuration.AddConfigCenter();

        Assert.Equal("s3cret-hub", configuration["Greeting"]);
    }

    [Fact]
    public void AKeyThatIsNotBase64Of32Bytes_IsRefusedUpFront_WithoutEchoingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestClient.Start(o =>
        {
            UseEtcd(o, "any-app");
            o.SecretKeys = ["dG9vLXNob3J0LWtleQ=="];
        }));

        Assert.Contains("ConfigCenter:SecretKeys:0", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dG9vLXNob3J0LWtleQ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Sets the items (the first one marked secret), publishes and waits until etcd holds the release.</summary>
    private async Task<long> PublishSecretAsync(string app, params (string Key, string Value)[] items)
    {
        var ns = ConfigCenterApiClient.Ns(app, "dev", "application");
        for (var i = 0; i < items.Length; i++)
        {
            using var response = await fixture.Api.Http.PutAsJsonAsync($"{ns}/items/{Uri.EscapeDataString(items[i].Key)}",
                new { value = items[i].Value, secret = i == 0 });
            response.EnsureSuccessStatusCode();
        }
        var revision = await fixture.Api.PublishAsync(app, "dev", "application");
        await fixture.WaitInEtcdAsync(app, "application", revision);
        return revision;
    }

    private async Task<string> EnvironmentKeyAsync() =>
        (await fixture.Api.GetJsonAsync("/api/v1/environments/dev/secret-key")).GetProperty("key").GetString()!;

    private async Task<string> EnvironmentKeyIdAsync() =>
        (await fixture.Api.GetJsonAsync("/api/v1/environments/dev/secret-key")).GetProperty("keyId").GetString()!;

    private void UseEtcd(ConfigCenterOptions o, string app)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [.. fixture.Etcd!.Endpoints];
        o.Etcd.Prefix = fixture.Server.Prefix;
    }
}

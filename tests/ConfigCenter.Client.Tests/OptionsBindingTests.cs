using ConfigCenter.Client.Internal;
using ConfigCenter.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Tests;

/// <summary>Options come from the <c>ConfigCenter</c> section (files, environment variables) and code.</summary>
public sealed class OptionsBindingTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    [Fact]
    public async Task AddConfigCenter_WithoutALambda_ReadsTheSectionAndEnvironmentVariables()
    {
        var app = ServerFixtureBase.NewApp("binding");
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"), ("database", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "bound"));
        await fixture.Api.PublishItemsAsync(app, "dev", "database", ("Greeting", "overridden"));
        var prefix = $"CCTEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Server__ApiKey", key);
        Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Namespaces__0", "application");
        Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Namespaces__1", "database");
        try
        {
            using var configuration = new ConfigurationManager();
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConfigCenter:App"] = app,
                ["ConfigCenter:Environment"] = "dev",
                ["ConfigCenter:Server:Url"] = fixture.Server.BaseAddress.ToString(),
                ["ConfigCenter:CacheDirectory"] = Directory.CreateTempSubdirectory("cc-bind-").FullName,
                ["ConfigCenter:StartupTimeout"] = "00:00:07",
                ["ConfigCenter:Etcd:Prefix"] = "/custom",
            });
            configuration.AddEnvironmentVariables(prefix);

            configuration.AddConfigCenter();

            var options = ConfigCenterRuntimes.From(configuration).Single().Options;
            Assert.Equal(["application", "database"], options.Namespaces);
            Assert.Equal(TimeSpan.FromSeconds(7), options.StartupTimeout);
            Assert.Equal("/custom", options.Etcd.Prefix);
            Assert.Equal("overridden", configuration["Greeting"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Server__ApiKey", null);
            Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Namespaces__0", null);
            Environment.SetEnvironmentVariable($"{prefix}ConfigCenter__Namespaces__1", null);
        }
    }

    [Fact]
    public void AddConfigCenter_WithoutAnyTransport_FailsWithASentence()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddConfigCenter("orders", "prod").Build());

        Assert.Contains("ConfigCenter:Etcd:Endpoints, ConfigCenter:Server:Url or both", error.Message, StringComparison.Ordinal);
    }
}

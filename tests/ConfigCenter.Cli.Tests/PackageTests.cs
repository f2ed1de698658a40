using ConfigCenter.Testing;

namespace ConfigCenter.Cli.Tests;

/// <summary>
/// The packages as a user meets them: the tool installed from artifacts/packages, and a fresh web project that
/// references ConfigCenter.Client from that feed. Slow (pack, restore, build), so only two tests.
/// </summary>
public sealed class PackageTests(PackagesFixture packages, EtcdClusterFixture etcd, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<PackagesFixture>, IClassFixture<EtcdClusterFixture>, IDisposable
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(5);
    private readonly string _dir = Directory.CreateTempSubdirectory("configcenter-packages-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Tool_InstallsFromTheLocalFeed_AndTalksToAServer()
    {
        await using var server = await ConfigCenterServerHost.StartAsync();
        var tools = Path.Combine(_dir, "tools");
        await ProcessRunner.RunCheckedAsync("dotnet", ["tool", "install", "ConfigCenter.Cli", "--tool-path", tools,
            "--add-source", packages.PackagesDirectory, "--version", packages.Version], _dir, Slow);
        var configcenter = Path.Combine(tools, "configcenter");

        var (versionExit, version) = await ProcessRunner.RunAsync(configcenter, ["--version"], _dir, Slow);
        Assert.Equal(0, versionExit);
        Assert.StartsWith(packages.Version, version.Trim(), StringComparison.Ordinal);

        var env = new Dictionary<string, string> { ["CONFIGCENTER_PASSWORD"] = ConfigCenterServerHost.AdminPassword, ["HOME"] = _dir };
        await ProcessRunner.RunCheckedAsync(configcenter, ["login", "--server", server.BaseAddress.ToString()], _dir, Slow, env);
        await ProcessRunner.RunCheckedAsync(configcenter, ["apps", "create", "installed-tool"], _dir, Slow, env);
        var apps = await ProcessRunner.RunCheckedAsync(configcenter, ["apps"], _dir, Slow, env);
        Assert.Contains("installed-tool", apps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_AdoptedByAFreshWebProject_SeesAPublishArrive()
    {
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var profile = Path.Combine(_dir, "profile");
        var none = new Dictionary<string, string>();
        async Task Cli(params string[] args)
        {
            var result = await Tests.Cli.RunAsync(profile, none, args);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
        await Cli("login", "--server", server.BaseAddress.ToString(), "--password", ConfigCenterServerHost.AdminPassword);
        await Cli("apps", "create", "adopter");
        await Cli("namespaces", "create", "application", "-a", "adopter");
        await Cli("set", "Greeting", "hello", "-a", "adopter", "-e", "prod");
        await Cli("publish", "-m", "first", "-a", "adopter", "-e", "prod");
        var apiKey = (await Tests.Cli.RunAsync(profile, none, "keys", "create", "adopter", "-a", "adopter", "-e", "prod")).Output.Trim();

        var project = Path.Combine(_dir, "Adopter");
        await ProcessRunner.RunCheckedAsync("dotnet", ["new", "web", "-o", project, "--no-restore"], _dir, Slow);
        // Our packages only from the local feed, everything else from nuget.org: what a user's feed setup looks like.
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages.PackagesDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="ConfigCenter.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
            using ConfigCenter.Client;

            var builder = WebApplication.CreateBuilder(args);
            builder.Configuration.AddConfigCenter();
            var app = builder.Build();
            app.MapGet("/greeting", (IConfiguration configuration) => configuration["Greeting"] ?? "");
            app.Run();
            """);
        await ProcessRunner.RunCheckedAsync("dotnet", ["add", "package", "ConfigCenter.Client", "--version", packages.Version], project, Slow);
        await ProcessRunner.RunCheckedAsync("dotnet", ["build", "-c", "Release"], project, Slow);

        var port = FreePort.Get();
        var settings = new Dictionary<string, string>
        {
            ["ConfigCenter__App"] = "adopter",
            ["ConfigCenter__Environment"] = "prod",
            ["ConfigCenter__Etcd__Endpoints__0"] = etcd.Endpoints[0],
            ["ConfigCenter__Etcd__Prefix"] = server.Prefix,
            ["ConfigCenter__Server__Url"] = server.BaseAddress.ToString(),
            ["ConfigCenter__Server__ApiKey"] = apiKey,
            ["ConfigCenter__CacheDirectory"] = Path.Combine(_dir, "cache"),
        };
        using var stop = new CancellationTokenSource();
        var run = ProcessRunner.RunAsync("dotnet", [Path.Combine(project, "bin", "Release", "net10.0", "Adopter.dll"), "--urls", $"http://127.0.0.1:{port}"],
            project, Slow, settings, stop.Token);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            async Task<string?> Greeting()
            {
                try { return await http.GetStringAsync("/greeting"); }
                catch (HttpRequestException) { return null; }
            }
            await WaitFor.ValueAsync(Greeting, g => g == "hello", TimeSpan.FromSeconds(60), "the app starts with the published greeting");

            await Cli("set", "Greeting", "world", "-a", "adopter", "-e", "prod");
            await Cli("publish", "-m", "second", "-a", "adopter", "-e", "prod");

            await WaitFor.ValueAsync(Greeting, g => g == "world", TimeSpan.FromSeconds(30), "the publish arrives without a restart");
        }
        finally
        {
            await stop.CancelAsync();
            var (_, output) = await run;
            log.WriteLine(output); // shown when the test fails
        }
    }
}

using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Cli.Tests;

public sealed class LoginAndAppTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task Login_SavesTheTokenReadableByTheOwnerOnly()
    {
        var profile = Directory.CreateTempSubdirectory("configcenter-cli-login-").FullName;
        try
        {
            var result = await Cli.RunAsync(profile, new Dictionary<string, string>(),
                "login", "--server", fixture.Server.BaseAddress.ToString(), "--password", ConfigCenterServerHost.AdminPassword);

            Assert.Equal(0, result.ExitCode);
            var file = Path.Combine(profile, "credentials.json");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Contains("token", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            var apps = await Cli.RunAsync(profile, new Dictionary<string, string>(), "apps");
            Assert.Equal(0, apps.ExitCode);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    [Fact]
    public async Task Login_WithAWrongPassword_FailsWithTheServersProblemOnOneLine()
    {
        var profile = Directory.CreateTempSubdirectory("configcenter-cli-login-").FullName;
        try
        {
            var result = await Cli.RunAsync(profile, new Dictionary<string, string>(),
                "login", "--server", fixture.Server.BaseAddress.ToString(), "--password", "wrong-password");

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("error: 401 Unauthorized: Sign-in failed: The username or password is wrong.", result.Error.Trim());
            Assert.False(File.Exists(Path.Combine(profile, "credentials.json")));
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    [Fact]
    public async Task EnvironmentVariables_ServerAndToken_AreEnoughWithoutALogin()
    {
        using var admin = await fixture.Server.CreateAdminClientAsync();
        var token = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        var env = new Dictionary<string, string> { ["CONFIGCENTER_SERVER"] = fixture.Server.BaseAddress.ToString(), ["CONFIGCENTER_TOKEN"] = token };

        var result = await Cli.RunAsync(Path.Combine(Path.GetTempPath(), $"no-profile-{Guid.NewGuid():N}"), env, "environments", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"prod\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadToken_ExitsTwoAndSaysHowToSignIn()
    {
        var env = new Dictionary<string, string> { ["CONFIGCENTER_SERVER"] = fixture.Server.BaseAddress.ToString(), ["CONFIGCENTER_TOKEN"] = "expired" };

        var result = await Cli.RunAsync(Path.Combine(Path.GetTempPath(), $"no-profile-{Guid.NewGuid():N}"), env, "apps");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 401 Unauthorized: not signed in or the token expired", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutServerOrLogin_ExitsTwoAndSaysHowToSignIn()
    {
        var result = await Cli.RunAsync(Path.Combine(Path.GetTempPath(), $"no-profile-{Guid.NewGuid():N}"), new Dictionary<string, string>(), "apps");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("configcenter login", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsAndNamespaces_CreateThenList()
    {
        var app = CliServerFixture.NewApp();

        Assert.Equal(0, (await fixture.RunAsync("apps", "create", app, "--name", "Orders")).ExitCode);
        var ns = await fixture.RunAsync("namespaces", "create", "database", "-a", app, "--format", "json");
        Assert.Equal(0, ns.ExitCode);

        var apps = await fixture.RunAsync("apps", "--json");
        var listed = JsonDocument.Parse(apps.Output).RootElement.EnumerateArray().Single(a => a.GetProperty("id").GetString() == app);
        Assert.Equal("Orders", listed.GetProperty("name").GetString());
        var namespaces = await fixture.RunAsync("namespaces", "-a", app);
        Assert.Matches(@"database\s+json", namespaces.Output);
    }

    [Fact]
    public async Task NamespacesCreate_WithAnUnknownFormat_IsAUsageError()
    {
        var result = await fixture.RunAsync("namespaces", "create", "db", "-a", "whatever", "--format", "xml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("xml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsCreate_ThatExists_ReportsTheConflict()
    {
        var app = CliServerFixture.NewApp();
        await fixture.RunAsync("apps", "create", app);

        var again = await fixture.RunAsync("apps", "create", app);

        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith("error: 409", again.Error, StringComparison.Ordinal);
        Assert.Single(again.Error.Trim().Split('\n'));
    }
}

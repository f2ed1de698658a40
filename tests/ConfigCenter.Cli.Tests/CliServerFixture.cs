using ConfigCenter.Testing;

namespace ConfigCenter.Cli.Tests;

/// <summary>A real standalone server shared by a test class, and a signed-in CLI profile for it.</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    private ConfigCenterServerHost? _server;

    public ConfigCenterServerHost Server => _server ?? throw new InvalidOperationException("not started");

    public string ProfileDirectory { get; } = Directory.CreateTempSubdirectory("configcenter-cli-profile-").FullName;

    public async Task InitializeAsync()
    {
        _server = await ConfigCenterServerHost.StartAsync();
        var login = await Cli.RunAsync(ProfileDirectory, new Dictionary<string, string>(),
            "login", "--server", Server.BaseAddress.ToString(), "--password", ConfigCenterServerHost.AdminPassword);
        Assert.True(login.ExitCode == 0, login.Error);
    }

    /// <summary>Runs the CLI signed in to this fixture's server through the saved login.</summary>
    public Task<CliResult> RunAsync(params string[] args) => Cli.RunAsync(ProfileDirectory, new Dictionary<string, string>(), args);

    /// <summary>A fresh app id, so tests sharing the server do not see each other's apps.</summary>
    public static string NewApp() => $"app-{Guid.NewGuid():N}"[..16];

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(ProfileDirectory, recursive: true);
    }
}

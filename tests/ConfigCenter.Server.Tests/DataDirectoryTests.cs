using System.Globalization;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>The data directory belongs to one server process and to the server's user only.</summary>
public sealed class DataDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("configcenter-datadir-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task ASecondServerOnTheSameDataDirectory_RefusesToStartNamingTheDirectoryAndTheHolder()
    {
        var data = Path.Combine(_root.FullName, "data");
        await using (var first = await ConfigCenterServerHost.StartAsync(dataDirectory: data))
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(dataDirectory: data));

            var message = refused.ToString();
            Assert.Contains($"The data directory {data} is in use", message, StringComparison.Ordinal);
            Assert.Contains($"(process {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)})", message, StringComparison.Ordinal);
            using var client = first.CreateHttpClient();
            Assert.True((await client.GetAsync("/health/live")).IsSuccessStatusCode, "the first server keeps running");
        }

        // The lock goes with the process that held it: a restart on the same directory works.
        await using var restarted = await ConfigCenterServerHost.StartAsync(dataDirectory: data);
    }

    [Fact]
    public async Task ANewDataDirectory_IsReadableByTheServersUserOnly()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes; Windows ACLs are inherited from the parent
        var data = Path.Combine(_root.FullName, "data");
        await using var host = await ConfigCenterServerHost.StartAsync(dataDirectory: data);
        using var api = await host.CreateAdminClientAsync(); // writes the database and the key ring

        const UnixFileMode group = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
        const UnixFileMode other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(data, "keys")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "configcenter.db")));
        foreach (var file in Directory.GetFiles(data, "configcenter.db*"))
        {
            Assert.True((File.GetUnixFileMode(file) & (group | other)) == 0, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        }
    }
}

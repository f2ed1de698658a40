namespace ConfigCenter.Cli.Tests;

/// <summary>
/// Runs `./build.sh pack` once for the test class, the way a release does, and finds the packages' version.
/// Our own packages are evicted from the NuGet cache first: an unchanged git height gives the same version,
/// and restore would otherwise install a stale copy from an earlier pack.
/// </summary>
public sealed class PackagesFixture : IAsyncLifetime
{
    public string RepositoryRoot { get; } = FindRoot();

    public string PackagesDirectory => Path.Combine(RepositoryRoot, "artifacts", "packages");

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await ProcessRunner.RunCheckedAsync("bash", ["build.sh", "pack"], RepositoryRoot, TimeSpan.FromMinutes(8));
        var tool = Directory.GetFiles(PackagesDirectory, "ConfigCenter.Cli.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        Version = Path.GetFileNameWithoutExtension(tool)["ConfigCenter.Cli.".Length..];
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "configcenter.cli", "configcenter.client", "configcenter.contracts", "configcenter.etcd" })
        {
            var cached = Path.Combine(cache, id, Version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConfigCenter.sln")) && File.Exists(Path.Combine(dir.FullName, "build.sh"))) return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (ConfigCenter.sln) is not above the test assembly");
    }
}

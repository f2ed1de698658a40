using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// The resolved <c>ConfigCenter:DataDirectory</c>, created on first use and locked for the life of the
/// process. It holds password hashes, key hashes and the data-protection key ring, so on Unix what this
/// creates is readable by the server's user only (directories 0700, the SQLite file 0600).
/// </summary>
public sealed class DataDirectory : IDisposable
{
    public const string DatabaseFileName = "configcenter.db";
    public const string KeysDirectoryName = "keys";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DataDirectoryLock _lock;

    public DataDirectory(IOptions<ConfigCenterServerOptions> options, IHostEnvironment environment)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        CreateOwnerOnlyDirectory(Path);
        _lock = DataDirectoryLock.Acquire(Path);
        CreateOwnerOnlyDirectory(File(KeysDirectoryName));
        var database = File(DatabaseFileName);
        if (!OperatingSystem.IsWindows() && !System.IO.File.Exists(database))
        {
            // SQLite would create the file with the umask (usually 0644); an empty file is a valid new database,
            // and SQLite gives its -wal and -shm files the mode of the database file.
            using var _ = new FileStream(database, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => _lock.Dispose();

    // An existing directory keeps its mode: the operator chose it.
    private static void CreateOwnerOnlyDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }
}

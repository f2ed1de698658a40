using System.Globalization;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// An exclusive lock on the data directory for the life of the process. Two servers on one SQLite file
/// would each keep their own in-memory releases and key lists, so the second would serve stale releases
/// and revoked keys; it must refuse to start instead. The lock is an flock on <c>configcenter.lock</c>
/// (what .NET takes for FileShare.None on Unix; released by the kernel if the process dies). .NET cannot
/// read a file another process holds that way, so the holder's pid is also written to <c>configcenter.pid</c>.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private const string LockFileName = "configcenter.lock";
    private const string PidFileName = "configcenter.pid";

    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream stream) => _lock = stream;

    /// <summary>Takes the lock or throws naming the directory and the process that holds it.</summary>
    public static DataDirectoryLock Acquire(string directory)
    {
        var lockPath = Path.Combine(directory, LockFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The data directory {directory} is in use by another ConfigCenter server (process {HolderPid(directory)}). " +
                "Stop that server, or give this one its own ConfigCenter:DataDirectory.", e);
        }

        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var bytes = System.Text.Encoding.ASCII.GetBytes(pid + "\n");
        stream.SetLength(0);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        File.WriteAllText(Path.Combine(directory, PidFileName), pid + "\n");
        return new DataDirectoryLock(stream);
    }

    public void Dispose() => _lock.Dispose();

    private static string HolderPid(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, PidFileName)).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ConfigCenter.Testing;

/// <summary>
/// A real PostgreSQL server from the Debian package (<c>/usr/lib/postgresql/N/bin</c>), in a temporary directory on a free
/// loopback port. initdb and pg_ctl refuse to run as root, so as root they run as the <c>postgres</c> user (runuser) and the
/// directory is handed to that user. Trust authentication on loopback only; fsync off (tests survive a stopped server, not a crashed machine).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _binDirectory;

    private PostgresServer(string root, string binDirectory, int port)
    {
        _root = root;
        _binDirectory = binDirectory;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Connection string of the server's <c>postgres</c> database (for creating databases).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=40;Timeout=15;Command Timeout=30";

    /// <summary>The newest PostgreSQL bin directory installed, or null (build.sh installs the <c>postgresql</c> package).</summary>
    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run ./build.sh test, which installs the postgresql package.");
        var root = Directory.CreateTempSubdirectory("configcenter-pg-").FullName;
        if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", root], asPostgres: false);
        var server = new PostgresServer(root, bin, FreePort.Get());
        try
        {
            await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>pg_ctl stop -m {mode}</c>, waiting until the server is down: <c>fast</c> rolls back open transactions and ends every
    /// session with an error (57P01); <c>immediate</c> quits without a clean shutdown (crash recovery at the next start).
    /// </summary>
    public async Task StopAsync(string mode = "fast")
    {
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop"]);
        // This process's pooled connections to it are dead now: drop them, so the test's own queries open fresh ones.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server (again) on the same data directory and port: <c>pg_ctl start</c>, waiting until it accepts connections.</summary>
    public Task StartAgainAsync()
    {
        var options = string.Join(' ',
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-c listen_addresses=127.0.0.1", $"-k {_root}",
            // fsync off (the machine does not crash under the tests); synchronous_commit stays on, so a commit is in the
            // WAL before it is acknowledged and an immediate stop (the fault scenarios' crash) loses nothing acknowledged.
            "-c fsync=off", "-c full_page_writes=off", "-c max_connections=300");
        return RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_root, "postgres.log"), "-o", options, "-w", "-t", "60", "start"]);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "cc_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Runs one query and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"Stopping the test PostgreSQL in {_root} failed: {e.Message}");
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {_root}: {e.Message}");
        }
    }

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, asPostgres: IsRoot);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file]) start.ArgumentList.Add(a);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server running with our pipes open: read until exit, not until end of stream.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2)));
            var output = stderr.IsCompleted ? await stderr : "(no output)";
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }
    }
}

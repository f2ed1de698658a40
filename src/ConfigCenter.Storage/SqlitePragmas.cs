using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConfigCenter.Storage;

/// <summary>
/// Per-connection SQLite settings. In WAL mode synchronous=NORMAL syncs at checkpoints instead of every
/// commit: a committed release survives a crash of the server process (the WAL is on disk), and only an
/// operating-system crash or power loss can drop the last commits. That trade is what makes hundreds
/// of publishes per second possible on one disk; see docs/benchmarks.md.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

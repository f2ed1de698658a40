using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConfigCenter.Storage;

/// <summary>
/// Per-connection SQLite settings. In WAL mode synchronous=NORMAL syncs at checkpoints instead of every
/// commit: a committed release survives a crash of the server process (the WAL is on disk), and only an
/// operating-system crash or power loss can drop the last commits. That trade is what makes hundreds
/// of publishes per second possible on one disk; see docs/benchmarks.md.
/// </summary>
/// <remarks>
/// The settings belong to the physical SQLite connection, which the connection pool keeps open between
/// uses; they are applied the first time a physical connection is seen, not on every logical open.
/// </remarks>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        RegisterFunctions(connection);
        if (IsConfigured(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        MarkConfigured(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RegisterFunctions(connection);
        if (IsConfigured(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection);
    }

    private static readonly object Done = new();

    /// <summary>
    /// Functions belong to the connection object, which re-registers them when it opens a pooled handle; registering on
    /// every open is a dictionary write and keeps the audit trigger working whichever handle the pool hands out.
    /// </summary>
    private static void RegisterFunctions(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite) AuditChainHash.Register(sqlite);
    }

    /// <summary>Whether this physical connection (its native handle) already has the settings.</summary>
    private bool IsConfigured(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && _configured.TryGetValue(handle, out _);

    private void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) _configured.AddOrUpdate(handle, Done);
    }
}

using Npgsql;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>
/// PostgreSQL failures that mean "the store is not reachable right now" rather than "this request is wrong": the server
/// refused or dropped the connection (restarting, shut down, crashed, out of connections) or did not answer. A request
/// that meets one answers 503 with Retry-After (<see cref="ProblemDetailsExceptionHandler"/>) instead of 500: its
/// transaction was rolled back by PostgreSQL, or, when the connection broke during COMMIT, may have committed in full;
/// never in part. The connection pool drops broken connections, so requests succeed again once PostgreSQL is back.
/// SQLite is a local file and has no such failures.
/// </summary>
internal static class StoreOutage
{
    /// <summary>What a client is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 2;

    public static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Connection exceptions (08…), operator intervention (57P01 admin shutdown, 57P02 crash shutdown,
                // 57P03 cannot connect now: starting or stopping), too many connections (53300).
                case PostgresException p:
                    return p.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                // Npgsql's own: connection refused or reset, the stream ended, a timeout.
                case NpgsqlException n when n.IsTransient:
                    return true;
            }
        }
        return false;
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>
/// Drafts and releases are written optimistically: two writers that raced on one draft (its version
/// token) or one namespace (the unique revision index) see an exception here, and the loser re-reads
/// and tries again. Writers on different namespaces never wait for each other.
/// </summary>
internal static class WriteRaces
{
    public const int MaxAttempts = 20;

    public static bool IsRace(Exception e) =>
        e is DbUpdateConcurrencyException
        || e is DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19 } }
        // PostgreSQL: unique violation (two replicas drew the same revision), a serialization failure, or a deadlock (two writers took the audit chain lock and a row lock in opposite order).
        || e is DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation or Npgsql.PostgresErrorCodes.SerializationFailure or Npgsql.PostgresErrorCodes.DeadlockDetected } };

    /// <summary>A short jittered pause so racing writers spread out instead of colliding again.</summary>
    public static Task BackoffAsync(int attempt) => Task.Delay(Random.Shared.Next(0, Math.Min(2 * attempt, 20) + 1));

    public static async Task<T> RetryAsync<T>(Func<Task<T>> attempt)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsRace(e) && i < MaxAttempts)
            {
                // Lost a race with another writer: the next attempt reads the winner's state.
                await BackoffAsync(i);
            }
        }
    }
}

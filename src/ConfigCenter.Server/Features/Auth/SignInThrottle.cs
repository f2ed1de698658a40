using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per client address and locks either for <see cref="SignInOptions.Lockout"/>
/// once it reaches its limit within <see cref="SignInOptions.Window"/> (a window opens at the first failure). The counts
/// live in the database (<c>SignInCounters</c>, one row per key), so replicas on one PostgreSQL database count together
/// and a lockout made on one holds on all; a restart keeps them. A failure is one atomic upsert; a sign-in reads two rows
/// by primary key; rows neither locked nor inside their window are deleted at most once a minute.
/// </summary>
public sealed class SignInThrottle(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    IOptionsMonitor<SignInOptions> options,
    TimeProvider time,
    ILogger<SignInThrottle> logger)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffsetToBinaryConverter StoredForm = new();
    private long _nextPruneTicks;

    /// <summary>Whether the user or the address is locked (and until when), and whether the user has failures to clear.</summary>
    public async Task<SignInThrottleState> StateAsync(string userName, string? address, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var userKey = SignInCounterKeys.User(userName);
        var addressKey = address is null ? userKey : SignInCounterKeys.Address(address);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SignInCounters.AsNoTracking()
            .Where(c => c.Key == userKey || c.Key == addressKey)
            .Select(c => new { c.Key, c.Failures, c.LockedUntil })
            .ToListAsync(ct);
        DateTimeOffset? until = null;
        foreach (var row in rows)
        {
            if (row.LockedUntil > now && (until is null || row.LockedUntil > until)) until = row.LockedUntil;
        }
        return new SignInThrottleState(until, rows.Any(r => r.Key == userKey));
    }

    /// <summary>Records a failure; returns what became locked by it (user, address, both or neither).</summary>
    public async Task<(bool UserLocked, bool AddressLocked)> RecordFailureAsync(string userName, string? address, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userLocked = await FailAsync(db, SignInCounterKeys.User(userName), now, o.Window, o.MaxFailuresPerUser, o.Lockout, ct);
        var addressLocked = address is not null
            && await FailAsync(db, SignInCounterKeys.Address(address), now, o.Window, o.MaxFailuresPerAddress, o.Lockout, ct);
        await PruneAsync(db, now, o.Window, ct);
        return (userLocked, addressLocked);
    }

    /// <summary>A successful sign-in clears the user's failures (the address keeps its count: one good password does not excuse a spray).</summary>
    public Task RecordSuccessAsync(string userName, CancellationToken ct) => UnlockAsync(userName, ct);

    public async Task UnlockAsync(string userName, CancellationToken ct)
    {
        var key = SignInCounterKeys.User(userName);
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.SignInCounters.Where(c => c.Key == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>Locked user names (upper-cased; compare ignoring case) with the end of their lockout.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LockedUsersAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SignInCounters.AsNoTracking()
            .Where(c => c.LockedUntil > now && c.Key.StartsWith("u:"))
            .Select(c => new { c.Key, c.LockedUntil })
            .ToListAsync(ct);
        var locked = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            if (SignInCounterKeys.UserName(row.Key) is { } name) locked[name] = row.LockedUntil!.Value;
        }
        return locked;
    }

    /// <summary>
    /// One statement, atomic on SQLite and PostgreSQL alike: a locked key is left as it is; a key whose window ended starts
    /// a new one with this failure; otherwise the count goes up, and reaching <paramref name="max"/> locks the key and
    /// resets the count. Every SET expression reads the row as it was, so each case repeats the conditions.
    /// </summary>
    private static async Task<bool> FailAsync(ConfigCenterDbContext db, string key, DateTimeOffset now, TimeSpan window, int max,
        TimeSpan lockout, CancellationToken ct)
    {
        var nowValue = Stored(now);
        var windowEnded = Stored(now - window);
        var lockedUntil = Stored(now + lockout);
        var rows = await db.Database.SqlQuery<FailureOutcome>($"""
            INSERT INTO "SignInCounters" ("Key", "Failures", "WindowStart", "LockedUntil")
            VALUES ({key}, CASE WHEN 1 >= {max} THEN 0 ELSE 1 END, {nowValue}, CASE WHEN 1 >= {max} THEN {lockedUntil} ELSE NULL END)
            ON CONFLICT ("Key") DO UPDATE SET
              "Failures" = CASE
                WHEN "SignInCounters"."LockedUntil" > {nowValue} THEN "SignInCounters"."Failures"
                WHEN "SignInCounters"."WindowStart" <= {windowEnded} THEN CASE WHEN 1 >= {max} THEN 0 ELSE 1 END
                WHEN "SignInCounters"."Failures" + 1 >= {max} THEN 0
                ELSE "SignInCounters"."Failures" + 1 END,
              "WindowStart" = CASE
                WHEN "SignInCounters"."LockedUntil" > {nowValue} THEN "SignInCounters"."WindowStart"
                WHEN "SignInCounters"."WindowStart" <= {windowEnded} THEN {nowValue}
                ELSE "SignInCounters"."WindowStart" END,
              "LockedUntil" = CASE
                WHEN "SignInCounters"."LockedUntil" > {nowValue} THEN "SignInCounters"."LockedUntil"
                WHEN "SignInCounters"."WindowStart" <= {windowEnded} THEN CASE WHEN 1 >= {max} THEN {lockedUntil} ELSE NULL END
                WHEN "SignInCounters"."Failures" + 1 >= {max} THEN {lockedUntil}
                ELSE NULL END
            RETURNING "LockedUntil" AS "LockedUntil"
            """).ToListAsync(ct);
        // Locked by this failure: the row carries exactly the lockout end this call computed.
        return rows is [{ LockedUntil: { } until }] && until == lockedUntil;
    }

    private async Task PruneAsync(ConfigCenterDbContext db, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var next = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextPruneTicks, (now + PruneEvery).UtcTicks, next) != next) return;
        var windowEnded = now - window;
        var deleted = await db.SignInCounters
            .Where(c => (c.LockedUntil == null || c.LockedUntil <= now) && c.WindowStart <= windowEnded)
            .ExecuteDeleteAsync(ct);
        if (deleted > 0) logger.LogDebug("Deleted {Count} idle sign-in counters", deleted);
    }

    private static long Stored(DateTimeOffset value) => (long)StoredForm.ConvertToProvider(value)!;

    private sealed class FailureOutcome
    {
        public long? LockedUntil { get; set; }
    }
}

/// <summary>What a sign-in attempt must know before it checks the password.</summary>
public sealed record SignInThrottleState(DateTimeOffset? LockedUntil, bool UserHasFailures);

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per client address in a sliding window and locks either for
/// <see cref="SignInOptions.Lockout"/> once it reaches its limit. In memory: a restart clears lockouts (an attacker
/// who can restart the server is past this), and nothing here touches SQLite on the hot path of a password guess.
/// </summary>
public sealed class SignInThrottle(IOptionsMonitor<SignInOptions> options, TimeProvider time)
{
    private const int MaxTracked = 100_000;
    private readonly ConcurrentDictionary<string, Counter> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Counter> _addresses = new(StringComparer.Ordinal);

    /// <summary>When the user name or the address is locked, the later of the two ends; otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string userName, string? address)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        if (_users.TryGetValue(userName, out var user) && user.LockedUntil(now) is { } u) until = u;
        if (address is not null && _addresses.TryGetValue(address, out var addr) && addr.LockedUntil(now) is { } a && (until is null || a > until)) until = a;
        return until;
    }

    /// <summary>Records a failure; returns what became locked by it (user, address, both or neither).</summary>
    public (bool UserLocked, bool AddressLocked) RecordFailure(string userName, string? address)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        Prune(now);
        var userLocked = _users.GetOrAdd(userName, _ => new Counter()).Fail(now, o.Window, o.MaxFailuresPerUser, o.Lockout);
        var addressLocked = address is not null && _addresses.GetOrAdd(address, _ => new Counter()).Fail(now, o.Window, o.MaxFailuresPerAddress, o.Lockout);
        return (userLocked, addressLocked);
    }

    /// <summary>A successful sign-in clears the user's failures (the address keeps its count: one good password does not excuse a spray).</summary>
    public void RecordSuccess(string userName) => _users.TryRemove(userName, out _);

    public void Unlock(string userName) => _users.TryRemove(userName, out _);

    /// <summary>Locked user names with the end of their lockout.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LockedUsers()
    {
        var now = time.GetUtcNow();
        var locked = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, counter) in _users)
        {
            if (counter.LockedUntil(now) is { } until) locked[name] = until;
        }
        return locked;
    }

    // Unknown user names would otherwise grow the table without bound.
    private void Prune(DateTimeOffset now)
    {
        if (_users.Count + _addresses.Count < MaxTracked) return;
        foreach (var table in new[] { _users, _addresses })
        {
            foreach (var (key, counter) in table)
            {
                if (counter.IsIdle(now, options.CurrentValue.Window)) table.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        private readonly Queue<DateTimeOffset> _failures = new();
        private DateTimeOffset? _lockedUntil;

        public DateTimeOffset? LockedUntil(DateTimeOffset now)
        {
            lock (_failures) return _lockedUntil > now ? _lockedUntil : null;
        }

        public bool IsIdle(DateTimeOffset now, TimeSpan window)
        {
            lock (_failures) return !(_lockedUntil > now) && (_failures.Count == 0 || _failures.Peek() < now - window);
        }

        public bool Fail(DateTimeOffset now, TimeSpan window, int max, TimeSpan lockout)
        {
            lock (_failures)
            {
                if (_lockedUntil > now) return false;
                while (_failures.Count > 0 && _failures.Peek() <= now - window) _failures.Dequeue();
                _failures.Enqueue(now);
                if (_failures.Count < max) return false;
                _failures.Clear();
                _lockedUntil = now + lockout;
                return true;
            }
        }
    }
}

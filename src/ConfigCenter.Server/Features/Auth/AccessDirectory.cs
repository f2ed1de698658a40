using System.Globalization;
using System.Security.Claims;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Users, app memberships and publisher grants, in memory: every authorization check reads from here, never from
/// SQLite. Whoever changes users or roles calls <see cref="ReloadAsync"/> after committing; sessions of users whose
/// security stamp changed (or who were disabled or deleted) are announced through <see cref="SessionsEnded"/> so live
/// UI circuits end at once.
/// </summary>
public sealed class AccessDirectory(IDbContextFactory<ConfigCenterDbContext> dbFactory, ILogger<AccessDirectory> logger) : IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Raised with a user id whose existing sessions are no longer valid.</summary>
    public event Action<int>? SessionsEnded;

    /// <summary>Raised after a reload for a change made here, so other replicas reload theirs (ReplicaSignals).</summary>
    public event Action? ChangedHere;

    /// <summary>Users, roles or grants changed here: reload, and tell the other replicas.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await ReloadFromStoreAsync(ct);
        ChangedHere?.Invoke();
    }

    /// <summary>Another replica changed users, roles or grants: reload only.</summary>
    public async Task ReloadFromStoreAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var users = await db.Users.AsNoTracking()
                .Select(u => new UserAccess(u.Id, u.UserName, u.Role == AuthConstants.AdminRole, u.SecurityStamp, u.DisabledAt != null, u.MustChangePassword))
                .ToListAsync(ct);
            var members = await db.AppMembers.AsNoTracking().Select(m => new { m.UserId, m.AppId, m.Role }).ToListAsync(ct);
            var grants = await db.PublisherGrants.AsNoTracking().Select(g => new { g.UserId, g.EnvironmentId, g.AppId }).ToListAsync(ct);
            var next = new Snapshot(
                users.ToDictionary(u => u.Id),
                members.ToDictionary(m => (m.UserId, m.AppId), m => m.Role),
                grants.Select(g => (g.UserId, g.EnvironmentId, g.AppId ?? "")).ToHashSet());
            var previous = _snapshot;
            _snapshot = next;
            foreach (var (id, before) in previous.Users)
            {
                if (!next.Users.TryGetValue(id, out var after) || after.Disabled || after.Stamp != before.Stamp)
                {
                    logger.LogInformation("Sessions of user {UserId} ended", id);
                    SessionsEnded?.Invoke(id);
                }
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    public void Dispose() => _reload.Dispose();

    public UserAccess? User(int id) => _snapshot.Users.GetValueOrDefault(id);

    public UserAccess? User(ClaimsPrincipal principal) =>
        principal.FindFirst(AuthConstants.KindClaim)?.Value == AuthConstants.UserKind
        && int.TryParse(principal.FindFirst(ClaimTypes.NameIdentifier)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? User(id) : null;

    /// <summary>True if the session belongs to an existing, enabled user and carries their current stamp.</summary>
    public bool IsCurrent(ClaimsPrincipal principal) =>
        User(principal) is { Disabled: false } user && principal.FindFirst(AuthConstants.StampClaim)?.Value == user.Stamp;

    /// <summary>The user's role in the app, or null.</summary>
    public string? RoleIn(int userId, string app) => _snapshot.Members.GetValueOrDefault((userId, app));

    public bool IsPublisher(int userId, string env, string? app)
    {
        var grants = _snapshot.Grants;
        return grants.Contains((userId, env, "")) || (app is not null && grants.Contains((userId, env, app)));
    }

    /// <summary>Whether the user may exercise <paramref name="right"/> on the app (and environment).</summary>
    public bool Can(UserAccess user, string? app, string? env, AppRight right)
    {
        if (user.Disabled) return false;
        if (user.IsAdmin) return true;
        if (string.IsNullOrEmpty(app) && right != AppRight.Publish) return false;
        var role = app is null ? null : RoleIn(user.Id, app);
        return right switch
        {
            AppRight.Read => role is not null || CoversApp(user.Id, app!, env),
            AppRight.Edit => role is AppRoles.Owner or AppRoles.Editor,
            AppRight.Publish => !string.IsNullOrEmpty(env) && IsPublisher(user.Id, env, app),
            AppRight.Manage => role is AppRoles.Owner,
            _ => false,
        };
    }

    public bool Can(ClaimsPrincipal principal, string? app, string? env, AppRight right) =>
        IsCurrent(principal) && User(principal) is { } user && Can(user, app, env, right);

    /// <summary>The apps a user sees in lists: all for an Admin, else those they hold a role in or publish for.</summary>
    public bool Sees(UserAccess user, string app) => user.IsAdmin || Can(user, app, null, AppRight.Read);

    public IReadOnlyList<(string App, string Role)> MembershipsOf(int userId) =>
        [.. _snapshot.Members.Where(m => m.Key.UserId == userId).Select(m => (m.Key.App, m.Value)).OrderBy(m => m.App, StringComparer.Ordinal)];

    public IReadOnlyList<(string Env, string? App)> GrantsOf(int userId) =>
        [.. _snapshot.Grants.Where(g => g.UserId == userId).Select(g => (g.Env, g.App.Length == 0 ? null : g.App)).OrderBy(g => g.Env, StringComparer.Ordinal)];

    public IReadOnlyList<(int UserId, string Role)> MembersOf(string app) =>
        [.. _snapshot.Members.Where(m => m.Key.App == app).Select(m => (m.Key.UserId, m.Value))];

    // A publisher reads what they may publish: the app in that environment, or (no environment in the route) anywhere.
    private bool CoversApp(int userId, string app, string? env) =>
        _snapshot.Grants.Any(g => g.UserId == userId && (g.App.Length == 0 || g.App == app) && (env is null || g.Env == env));

    private sealed record Snapshot(
        IReadOnlyDictionary<int, UserAccess> Users,
        IReadOnlyDictionary<(int UserId, string App), string> Members,
        IReadOnlySet<(int UserId, string Env, string App)> Grants)
    {
        public static readonly Snapshot Empty = new(new Dictionary<int, UserAccess>(), new Dictionary<(int, string), string>(), new HashSet<(int, string, string)>());
    }
}

/// <summary>One user as authorization sees them.</summary>
public sealed record UserAccess(int Id, string UserName, bool IsAdmin, string Stamp, bool Disabled, bool MustChangePassword);

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Users;

/// <summary>
/// Creates users, sets their roles, disables them and resets passwords. Every change commits with its audit entry,
/// then reloads <see cref="AccessDirectory"/>; changes that should end the user's sessions rotate their security stamp.
/// </summary>
public sealed partial class UserAccounts(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    IPasswordHasher<UserEntity> hasher,
    SqliteWriteGate writeGate,
    AccessDirectory directory,
    SignInThrottle throttle,
    TimeProvider time)
{
    public const int MinimumPasswordLength = AdminBootstrapper.MinimumPasswordLength;

    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var locked = await throttle.LockedUsersAsync(ct);
        return [.. users.Select(u => View(u, locked.TryGetValue(u.UserName, out var until) ? until : null))];
    }

    public async Task<UserView> CreateAsync(CreateUserRequest request, string actor, CancellationToken ct)
    {
        if (ValidateUserName(request.UserName) is { } nameError) throw ConfigCenterException.Invalid(nameError);
        if (ValidatePassword(request.Password, "password") is { } passwordError) throw ConfigCenterException.Invalid(passwordError);
        var user = new UserEntity
        {
            UserName = request.UserName!,
            PasswordHash = "",
            Role = request.IsAdmin ? AuthConstants.AdminRole : AuthConstants.UserRole,
            CreatedAt = time.GetUtcNow(),
            SecurityStamp = NewStamp(),
            MustChangePassword = request.MustChangePassword,
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        using (await writeGate.EnterAsync(ct))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await db.Users.AnyAsync(u => u.UserName == user.UserName, ct)) throw ConfigCenterException.Conflict($"User '{user.UserName}' already exists.");
            db.Users.Add(user);
            AuditLog.Record(db, user.CreatedAt, actor, "user.create", user.UserName, request.IsAdmin ? "admin" : "");
            await db.SaveChangesAsync(ct);
        }
        await directory.ReloadAsync(ct);
        return View(user, null);
    }

    public async Task SetRolesAsync(int id, SetRolesRequest request, string actor, CancellationToken ct)
    {
        var apps = request.Apps ?? [];
        var publisher = request.Publisher ?? [];
        for (var i = 0; i < apps.Count; i++)
        {
            if (Names.ValidateAppId(apps[i].App) is not null) throw ConfigCenterException.Invalid($"apps[{i}].app", "Name an existing app.");
            if (AppRoles.Normalize(apps[i].Role) is null) throw ConfigCenterException.Invalid($"apps[{i}].role", "The role is Owner, Editor or Viewer.");
        }
        using (await writeGate.EnterAsync(ct))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var user = await RequireAsync(db, id, ct);
            for (var i = 0; i < apps.Count; i++)
            {
                var app = apps[i].App;
                if (!await db.Apps.AnyAsync(a => a.Id == app, ct)) throw ConfigCenterException.Invalid($"apps[{i}].app", $"There is no app '{app}'.");
            }
            for (var i = 0; i < publisher.Count; i++)
            {
                var (env, app) = (publisher[i].Env, publisher[i].App);
                if (!await db.Environments.AnyAsync(e => e.Id == env, ct)) throw ConfigCenterException.Invalid($"publisher[{i}].env", $"There is no environment '{env}'.");
                if (app is not null && !await db.Apps.AnyAsync(a => a.Id == app, ct)) throw ConfigCenterException.Invalid($"publisher[{i}].app", $"There is no app '{app}'.");
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.AppMembers.Where(m => m.UserId == id).ExecuteDeleteAsync(ct);
            await db.PublisherGrants.Where(g => g.UserId == id).ExecuteDeleteAsync(ct);
            foreach (var m in apps.DistinctBy(m => m.App)) db.AppMembers.Add(new AppMemberEntity { AppId = m.App, UserId = id, Role = AppRoles.Normalize(m.Role)! });
            foreach (var g in publisher.Distinct()) db.PublisherGrants.Add(new PublisherGrantEntity { UserId = id, EnvironmentId = g.Env, AppId = g.App });
            user.Role = request.IsAdmin ? AuthConstants.AdminRole : AuthConstants.UserRole;
            user.SecurityStamp = NewStamp();
            AuditLog.Record(db, time.GetUtcNow(), actor, "user.roles", user.UserName,
                $"admin={request.IsAdmin}; apps={string.Join(',', apps.Select(a => $"{a.App}:{a.Role}"))}; publisher={string.Join(',', publisher.Select(p => $"{p.Env}:{p.App ?? "*"}"))}");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await directory.ReloadAsync(ct);
    }

    public Task SetDisabledAsync(int id, bool disabled, string actor, CancellationToken ct) =>
        UpdateAsync(id, actor, disabled ? "user.disable" : "user.enable", user => user.DisabledAt = disabled ? time.GetUtcNow() : null, ct);

    public Task ResetPasswordAsync(int id, ResetPasswordRequest request, string actor, CancellationToken ct)
    {
        if (ValidatePassword(request.Password, "password") is { } error) throw ConfigCenterException.Invalid(error);
        return UpdateAsync(id, actor, "user.password.reset", user =>
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password!);
            user.MustChangePassword = request.MustChangePassword;
        }, ct);
    }

    /// <summary>Changes the caller's own password; returns a message for the user if it was refused.</summary>
    public async Task<string?> ChangeOwnPasswordAsync(int id, string? current, string? next, CancellationToken ct)
    {
        if (ValidatePassword(next, "newPassword") is { } error) return error.Message;
        if (string.Equals(current, next, StringComparison.Ordinal)) return "Choose a password different from the current one.";
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var user = await RequireAsync(db, id, ct);
            if (string.IsNullOrEmpty(current) || hasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed)
                return "The current password is wrong.";
        }
        await UpdateAsync(id, null, "user.password.change", user =>
        {
            user.PasswordHash = hasher.HashPassword(user, next!);
            user.MustChangePassword = false;
        }, ct);
        return null;
    }

    /// <summary>Ends every session of the user (sign-out everywhere): cookies, circuits and bearer tokens carry the old stamp.</summary>
    public Task EndSessionsAsync(int id, string actor, string action, CancellationToken ct) => UpdateAsync(id, actor, action, _ => { }, ct);

    public Task UnlockAsync(string userName, CancellationToken ct) => throttle.UnlockAsync(userName, ct);

    public async Task<ClaimsPrincipal?> PrincipalAsync(int id, string scheme, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.DisabledAt == null, ct);
        return user is null ? null : UserService.Principal(user, scheme);
    }

    public async Task<UserView> GetAsync(int id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await RequireAsync(db, id, ct);
        return View(user, (await throttle.LockedUsersAsync(ct)).TryGetValue(user.UserName, out var until) ? until : null);
    }

    public static ValidationError? ValidateUserName(string? name) =>
        name is null || name.Length is 0 or > 100 || !UserNamePattern().IsMatch(name)
            ? new ValidationError("userName", "A user name is 1-100 letters, digits, '.', '_', '-' or '@'.") : null;

    public static ValidationError? ValidatePassword(string? password, string field) =>
        password is null || password.Length < MinimumPasswordLength || password.Length > FieldLimits.MaxCredential
            ? new ValidationError(field, $"A password has {MinimumPasswordLength} to {FieldLimits.MaxCredential} characters.") : null;

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private async Task UpdateAsync(int id, string? actor, string action, Action<UserEntity> change, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var user = await RequireAsync(db, id, ct);
            change(user);
            user.SecurityStamp = NewStamp();
            AuditLog.Record(db, time.GetUtcNow(), actor ?? user.UserName, action, user.UserName);
            await db.SaveChangesAsync(ct);
        }
        await directory.ReloadAsync(ct);
    }

    private static async Task<UserEntity> RequireAsync(ConfigCenterDbContext db, int id, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw ConfigCenterException.NotFound($"There is no user {id}.");

    private UserView View(UserEntity u, DateTimeOffset? lockedUntil) => new(u.Id, u.UserName, u.Role == AuthConstants.AdminRole, u.DisabledAt is not null,
        u.MustChangePassword, lockedUntil, u.CreatedAt,
        [.. directory.MembershipsOf(u.Id).Select(m => new AppMembership(m.App, m.Role))],
        [.. directory.GrantsOf(u.Id).Select(g => new PublisherRight(g.Env, g.App))]);

    [GeneratedRegex("^[A-Za-z0-9._@-]+$")]
    private static partial Regex UserNamePattern();
}

using System.Security.Claims;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>Checks user credentials with ASP.NET Core Identity's password hasher, throttled per user name and per client address.</summary>
public sealed class UserService(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    IPasswordHasher<UserEntity> hasher,
    SignInThrottle throttle,
    SqliteWriteGate writeGate,
    TimeProvider time,
    ILogger<UserService> logger)
{
    public async Task<SignInResult> SignInAsync(string? userName, string? password, string? address, string scheme, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password)) return SignInResult.Failed;
        var throttled = await throttle.StateAsync(userName, address, ct);
        if (throttled.LockedUntil is { } lockedUntil)
        {
            // Refused before the password is checked, so a locked account tells a guesser nothing.
            await AuditAsync(userName, "auth.signin.locked", scheme, ct);
            return new SignInResult(null, lockedUntil);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, ct);
        var verified = user is not null && user.DisabledAt is null
            && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (user is null)
        {
            // Hash anyway so an unknown user name takes as long as a wrong password.
            hasher.HashPassword(new UserEntity { UserName = userName, PasswordHash = "", Role = "" }, password);
        }
        if (!verified)
        {
            var (userLocked, addressLocked) = await throttle.RecordFailureAsync(userName, address, ct);
            await AuditAsync(userName, "auth.signin.failed", scheme, ct);
            if (userLocked || addressLocked)
            {
                logger.LogWarning("Sign-in locked for {User} (user: {UserLocked}) from {Address} (address: {AddressLocked})", userName, userLocked, address, addressLocked);
                await AuditAsync(userName, "auth.lockout", scheme, ct, userLocked ? "user" : "address");
            }
            return SignInResult.Failed;
        }
        // Only a user with failures on record costs a write here.
        if (throttled.UserHasFailures) await throttle.RecordSuccessAsync(userName, ct);
        await AuditAsync(user!.UserName, "auth.signin", scheme, ct);
        return new SignInResult(Principal(user, scheme), null);
    }

    private const int MaxAuditedNameLength = 200;

    public static ClaimsPrincipal Principal(UserEntity user, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, user.UserName),
        new Claim(AuthConstants.KindClaim, AuthConstants.UserKind),
        new Claim(AuthConstants.StampClaim, user.SecurityStamp),
    ], scheme));

    /// <summary>Sign-in events; the target says the way in (<c>signin:ui</c>, <c>signin:token</c>), the entry's address where from.</summary>
    private async Task AuditAsync(string userName, string action, string scheme, CancellationToken ct, string detail = "")
    {
        var via = scheme == AuthConstants.CookieScheme ? "ui" : "token";
        var actor = userName.Length > MaxAuditedNameLength ? userName[..MaxAuditedNameLength] : userName;
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        AuditLog.Record(db, time.GetUtcNow(), actor, action, $"signin:{via}", detail);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>A signed-in principal, or null with the end of a lockout (if that is why).</summary>
public sealed record SignInResult(ClaimsPrincipal? Principal, DateTimeOffset? LockedUntil)
{
    public static readonly SignInResult Failed = new(null, null);
}

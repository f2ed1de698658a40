using System.Security.Claims;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>Checks user credentials with ASP.NET Core Identity's password hasher.</summary>
public sealed class UserService(IDbContextFactory<ConfigCenterDbContext> dbFactory, IPasswordHasher<UserEntity> hasher)
{
    public async Task<ClaimsPrincipal?> SignInAsync(string? userName, string? password, string scheme, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, ct);
        if (user is null)
        {
            // Hash anyway so an unknown user name takes as long as a wrong password.
            hasher.HashPassword(new UserEntity { UserName = userName, PasswordHash = "", Role = "" }, password);
            return null;
        }
        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed) return null;
        return Principal(user, scheme);
    }

    public static ClaimsPrincipal Principal(UserEntity user, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, user.UserName),
        new Claim(ClaimTypes.Role, user.Role),
        new Claim(AuthConstants.KindClaim, AuthConstants.UserKind),
    ], scheme));
}

using System.Security.Cryptography;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Creates the first admin. There is no default password: it comes from
/// <c>ConfigCenter:Bootstrap:AdminPassword</c> or is generated and printed once.
/// </summary>
internal sealed class AdminBootstrapper(
    IPasswordHasher<UserEntity> hasher,
    IOptions<ConfigCenterServerOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<AdminBootstrapper> logger)
{
    public const int MinimumPasswordLength = 12;

    public async Task EnsureAdminAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        var configured = options.Value.Bootstrap.AdminPassword;
        if (environment.IsProduction() && configured is { Length: > 0 and < MinimumPasswordLength })
        {
            throw new InvalidOperationException(
                $"ConfigCenter:Bootstrap:AdminPassword is shorter than {MinimumPasswordLength} characters; refusing to start in Production with an unsafe admin password.");
        }
        if (await db.Users.AnyAsync(ct)) return;
        var password = string.IsNullOrEmpty(configured) ? Generate() : configured;
        // In Production the first password (printed or from configuration) is known to more than one person or file:
        // the admin sets their own at first sign-in before anything else works.
        var admin = new UserEntity
        {
            UserName = "admin",
            PasswordHash = "",
            Role = AuthConstants.AdminRole,
            CreatedAt = time.GetUtcNow(),
            SecurityStamp = Users.UserAccounts.NewStamp(),
            MustChangePassword = environment.IsProduction(),
        };
        admin.PasswordHash = hasher.HashPassword(admin, password);
        db.Users.Add(admin);
        await db.SaveChangesAsync(ct);
        if (string.IsNullOrEmpty(configured))
        {
            // Printed once to the console only, never to the structured log.
            Console.WriteLine($"ConfigCenter: created user 'admin' with generated password: {password}");
            Console.WriteLine("ConfigCenter: store it now; it is not shown again. Set ConfigCenter:Bootstrap:AdminPassword to choose one.");
        }
        logger.LogInformation("Created the first admin user 'admin'");
    }

    private static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
}

using System.Security.Claims;
using System.Security.Cryptography;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Users;

/// <summary>
/// Personal access tokens: <c>Authorization: Bearer ccp_…</c> acts as the user, with the user's live roles, until the
/// token expires or is revoked, or the user is disabled. Only the HMAC of a token is stored; it is shown once.
/// </summary>
public sealed class PersonalTokens(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    SecretHasher hasher,
    AccessDirectory directory,
    TimeProvider time)
{
    public const string TokenPrefix = "ccp_";
    public const int MaxLifetimeDays = 366;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedToken> CreateAsync(int userId, string actor, CreateTokenRequest request, CancellationToken ct)
    {
        if (FieldLimits.Check(request.Name, "name", "The token name", 100) is { } nameError) throw ConfigCenterException.Invalid(nameError);
        if (string.IsNullOrWhiteSpace(request.Name)) throw ConfigCenterException.Invalid("name", "Name the token (what uses it).");
        if (request.ExpiresInDays is not (>= 1 and <= MaxLifetimeDays)) throw ConfigCenterException.Invalid("expiresInDays", $"A token expires in 1 to {MaxLifetimeDays} days.");
        var secret = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var entity = new PersonalTokenEntity
        {
            UserId = userId,
            Name = request.Name.Trim(),
            TokenHash = hasher.Hash(secret),
            TokenPrefix = secret[..12],
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ExpiresInDays.Value),
        };
        using (await writeGate.EnterAsync(ct))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.PersonalTokens.Add(entity);
            AuditLog.Record(db, now, actor, "token.create", actor, $"{entity.Name} ({entity.TokenPrefix}…) expires {entity.ExpiresAt:O}");
            await db.SaveChangesAsync(ct);
        }
        return new CreatedToken(entity.Id, secret, entity.Name, entity.ExpiresAt);
    }

    public async Task<IReadOnlyList<TokenView>> ListAsync(int userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PersonalTokens.AsNoTracking().Where(t => t.UserId == userId && t.RevokedAt == null).OrderBy(t => t.Id)
            .Select(t => new TokenView(t.Id, t.Name, t.TokenPrefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt)).ToListAsync(ct);
    }

    public async Task RevokeAsync(int userId, int id, string actor, CancellationToken ct)
    {
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.PersonalTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == userId && t.RevokedAt == null, ct)
            ?? throw ConfigCenterException.NotFound($"There is no token {id}.");
        token.RevokedAt = time.GetUtcNow();
        AuditLog.Record(db, token.RevokedAt.Value, actor, "token.revoke", actor, $"{token.Name} ({token.TokenPrefix}…)");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The principal a token acts as, or null if it is unknown, expired, revoked, or its user is disabled.</summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string secret, string scheme, CancellationToken ct)
    {
        var hash = hasher.Hash(secret);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.PersonalTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null, ct);
        if (token is null || token.ExpiresAt <= now) return null;
        if (directory.User(token.UserId) is not { Disabled: false } user) return null;
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            using var _ = await writeGate.EnterAsync(ct);
            await db.PersonalTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        // The token carries the user's current stamp: it is its own credential, so signing out elsewhere does not end it.
        return new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim(AuthConstants.KindClaim, AuthConstants.UserKind),
            new Claim(AuthConstants.StampClaim, user.Stamp),
        ], scheme));
    }
}

public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

/// <summary>The response of token creation: the only time the secret is visible.</summary>
public sealed record CreatedToken(int Id, string Token, string Name, DateTimeOffset ExpiresAt);

public sealed record TokenView(int Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt);

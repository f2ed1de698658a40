using System.Globalization;
using System.Security.Claims;
using ConfigCenter.Core;
using ConfigCenter.Server.Features.Users;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary><c>POST /api/v1/auth/token</c> for scripts; form login, logout and password change for the UI.</summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", IssueTokenAsync).AllowAnonymous().WithTags("Auth")
            .WithSummary("Exchange a username and password for a bearer token (429 while the user or address is locked out).");

        app.MapPost("/account/login", LoginAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/logout", async (HttpContext http, UserAccounts accounts, CancellationToken ct) =>
        {
            // Signing out ends every session of the user: other tabs, their circuits and bearer tokens.
            if (http.User.UserId() is { } id) await accounts.EndSessionsAsync(id, http.User.UserName(), "auth.signout", ct);
            await http.SignOutAsync(AuthConstants.CookieScheme);
            return Results.LocalRedirect("/login");
        }).RequireAuthorization(AuthConstants.AccountPolicy).ExcludeFromDescription();
        app.MapPost("/account/password", ChangePasswordFormAsync).RequireAuthorization(AuthConstants.AccountPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> IssueTokenAsync(TokenRequest request, UserService users, IOptionsMonitor<BearerTokenOptions> bearer,
        IOptions<ConfigCenterServerOptions> options, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var tooLong = FieldLimits.Check(request.Username, "username", "The username", FieldLimits.MaxCredential)
            ?? FieldLimits.Check(request.Password, "password", "The password", FieldLimits.MaxCredential);
        if (tooLong is not null) throw ConfigCenterException.Invalid(tooLong);
        var result = await users.SignInAsync(request.Username, request.Password, Address(http), AuthConstants.BearerScheme, ct);
        if (result.LockedUntil is { } until) return Locked(http, until, time);
        if (result.Principal is not { } principal)
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The username or password is wrong.");
        var expiresAt = time.GetUtcNow() + options.Value.TokenLifetime;
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = expiresAt }, AuthConstants.BearerScheme);
        var token = bearer.Get(AuthConstants.BearerScheme).BearerTokenProtector.Protect(ticket);
        return Results.Ok(new TokenResponse(token, expiresAt));
    }

    private static async Task<IResult> LoginAsync(HttpContext http, UserService users, [FromForm] string? username, [FromForm] string? password,
        [FromForm] string? returnUrl, CancellationToken ct)
    {
        var target = ReturnUrls.SafeLocal(returnUrl);
        if (username?.Length > FieldLimits.MaxCredential || password?.Length > FieldLimits.MaxCredential)
            return Results.LocalRedirect($"/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
        var result = await users.SignInAsync(username, password, Address(http), AuthConstants.CookieScheme, ct);
        if (result.LockedUntil is not null) return Results.LocalRedirect($"/login?error=locked&returnUrl={Uri.EscapeDataString(target)}");
        if (result.Principal is not { } principal) return Results.LocalRedirect($"/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
        await http.SignInAsync(AuthConstants.CookieScheme, principal);
        return Results.LocalRedirect(target);
    }

    private static async Task<IResult> ChangePasswordFormAsync(HttpContext http, UserAccounts accounts, [FromForm] string? currentPassword,
        [FromForm] string? newPassword, CancellationToken ct)
    {
        if (http.User.UserId() is not { } id) return Results.Unauthorized();
        var error = await accounts.ChangeOwnPasswordAsync(id, currentPassword, newPassword, ct);
        if (error is not null) return Results.LocalRedirect($"/account/password?error={Uri.EscapeDataString(error)}");
        // The change rotated the stamp and ended every session, this one included: sign this browser in again.
        if (await accounts.PrincipalAsync(id, AuthConstants.CookieScheme, ct) is { } principal) await http.SignInAsync(AuthConstants.CookieScheme, principal);
        return Results.LocalRedirect("/?password=changed");
    }

    private static IResult Locked(HttpContext http, DateTimeOffset until, TimeProvider time)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Sign-in locked",
            detail: $"Too many failed sign-ins; try again after {until:O}.");
    }

    public static string? Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    public static int? UserId(this ClaimsPrincipal user) =>
        user.FindFirst(AuthConstants.KindClaim)?.Value == AuthConstants.UserKind
        && int.TryParse(user.FindFirst(ClaimTypes.NameIdentifier)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

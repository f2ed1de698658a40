using System.Security.Claims;
using ConfigCenter.Core;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary><c>POST /api/v1/auth/token</c> for scripts; form login and logout for the UI.</summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", IssueTokenAsync).AllowAnonymous().WithTags("Auth")
            .WithSummary("Exchange a username and password for a bearer token.");

        app.MapPost("/account/login", LoginAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(AuthConstants.CookieScheme);
            return Results.LocalRedirect("/login");
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> IssueTokenAsync(TokenRequest request, UserService users, IOptionsMonitor<BearerTokenOptions> bearer,
        IOptions<ConfigCenterServerOptions> options, TimeProvider time, Audit.AuditWriter audit, CancellationToken ct)
    {
        var tooLong = FieldLimits.Check(request.Username, "username", "The username", FieldLimits.MaxCredential)
            ?? FieldLimits.Check(request.Password, "password", "The password", FieldLimits.MaxCredential);
        if (tooLong is not null) throw ConfigCenterException.Invalid(tooLong);
        var principal = await users.SignInAsync(request.Username, request.Password, AuthConstants.BearerScheme, ct);
        await audit.RecordSignInAsync(request.Username, principal is not null, "token", ct);
        if (principal is null) return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The username or password is wrong.");
        var expiresAt = time.GetUtcNow() + options.Value.TokenLifetime;
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = expiresAt }, AuthConstants.BearerScheme);
        var token = bearer.Get(AuthConstants.BearerScheme).BearerTokenProtector.Protect(ticket);
        return Results.Ok(new TokenResponse(token, expiresAt));
    }

    private static async Task<IResult> LoginAsync(HttpContext http, UserService users, Audit.AuditWriter audit, [FromForm] string? username, [FromForm] string? password,
        [FromForm] string? returnUrl, CancellationToken ct)
    {
        var principal = await users.SignInAsync(username, password, AuthConstants.CookieScheme, ct);
        await audit.RecordSignInAsync(username, principal is not null, "ui", ct);
        var target = ReturnUrls.SafeLocal(returnUrl);
        if (principal is null)
        {
            return Results.LocalRedirect($"/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
        }
        await http.SignInAsync(AuthConstants.CookieScheme, principal);
        return Results.LocalRedirect(target);
    }

    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

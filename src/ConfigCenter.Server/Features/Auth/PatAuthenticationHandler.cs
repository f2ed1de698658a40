using System.Text.Encodings.Web;
using ConfigCenter.Server.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>Authenticates <c>Authorization: Bearer ccp_…</c> personal access tokens.</summary>
internal sealed class PatAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PersonalTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + PersonalTokens.TokenPrefix, StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length > 200) return AuthenticateResult.Fail("The token is not valid.");
        var principal = await tokens.AuthenticateAsync(secret, Scheme.Name, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The token is not valid, expired or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}

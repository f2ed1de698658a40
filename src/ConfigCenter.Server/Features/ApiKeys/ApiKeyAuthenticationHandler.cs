using System.Security.Claims;
using System.Text.Encodings.Web;
using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Authenticates clients by <c>X-Api-Key</c> (or <c>access_token</c> on the hub's WebSocket request).</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[ConfigHubRoutes.ApiKeyHeader];
        if (string.IsNullOrEmpty(key) && Request.Path.StartsWithSegments(ConfigHubRoutes.Hub))
        {
            // Browsers and WebSockets cannot send custom headers; SignalR passes the key as access_token.
            key = Request.Query["access_token"];
        }
        if (string.IsNullOrEmpty(key)) return Task.FromResult(AuthenticateResult.NoResult());
        if (store.Find(key) is not { } scope) return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"key:{scope.Name}"),
            new Claim(AuthConstants.KindClaim, AuthConstants.ClientKind),
            new Claim(AuthConstants.AppClaim, scope.App),
            new Claim(AuthConstants.EnvClaim, scope.Environment),
            new Claim(AuthConstants.KeyIdClaim, scope.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ConfigCenter.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Gateway;

/// <summary>
/// <c>apikey</c> routes: the caller's <c>X-Api-Key</c> must be a live key the config center issued for the
/// gateway's environment. The gateway asks the server (<c>GET /api/v1/keys/self</c> with that key) and caches the
/// answer, good or bad, for <see cref="GatewayOptions.ApiKeyCacheDuration"/> — the bound after which a revoked key
/// stops working. Keys are cached by their SHA-256, never in clear.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IHttpClientFactory httpClients,
    IConfiguration configuration,
    IOptions<GatewayOptions> gateway,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HttpClientName = "configcenter-keys";
    public const string Header = "X-Api-Key";

    private static readonly ConcurrentDictionary<string, (KeyInfo? Key, DateTimeOffset Until)> Answers = new(StringComparer.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[Header];
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var now = time.GetUtcNow();
        if (!Answers.TryGetValue(hash, out var answer) || answer.Until <= now)
        {
            answer = (await AskServerAsync(key).ConfigureAwait(false), now + gateway.Value.ApiKeyCacheDuration);
            Answers[hash] = answer;
            if (Answers.Count > 10_000) Answers.Clear();
        }
        var environment = configuration[$"{ConfigCenterOptions.SectionName}:Environment"];
        if (answer.Key is not { } info || !string.Equals(info.Environment, environment, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("The API key is not valid here.");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"{info.App}:{info.Name}"),
            new Claim(GatewayAuthentication.KeyIdClaim, info.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim("configcenter:app", info.App),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private async Task<KeyInfo?> AskServerAsync(string key)
    {
        var server = configuration[$"{ConfigCenterOptions.SectionName}:Server:Url"];
        if (string.IsNullOrEmpty(server)) throw new InvalidOperationException("apikey routes need ConfigCenter:Server:Url to check keys.");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(server), "/api/v1/keys/self"));
        request.Headers.Add(Header, key);
        using var http = httpClients.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, Context.RequestAborted).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<KeyInfo>(Context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record KeyInfo(int Id, string App, string Environment, string Name);
}

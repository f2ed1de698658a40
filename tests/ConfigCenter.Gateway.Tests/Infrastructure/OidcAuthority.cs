using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// A minimal OpenID Connect authority on a real Kestrel port: <c>/.well-known/openid-configuration</c> names it as
/// issuer and points at <c>/jwks</c>, which publishes the public half of an RSA key; <see cref="Token"/> signs with it.
/// </summary>
public sealed class OidcAuthority : IAsyncDisposable
{
    private const string KeyId = "gateway-test-key";
    private readonly WebApplication _app;
    private readonly RSA _rsa;
    private int _jwksRequests;

    private OidcAuthority(WebApplication app, RSA rsa)
    {
        _app = app;
        _rsa = rsa;
    }

    /// <summary>The authority URL, also the issuer of its tokens.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>How often the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<OidcAuthority> StartAsync()
    {
        var rsa = RSA.Create(2048);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var authority = new OidcAuthority(app, rsa);
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = authority.Issuer,
                ["jwks_uri"] = $"{authority.Issuer}/jwks",
                ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            }));
            app.MapGet("/jwks", () =>
            {
                Interlocked.Increment(ref authority._jwksRequests);
                var parameters = rsa.ExportParameters(includePrivateParameters: false);
                return Results.Json(new
                {
                    keys = new[]
                    {
                        new Dictionary<string, string>
                        {
                            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = SecurityAlgorithms.RsaSha256, ["kid"] = KeyId,
                            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                        },
                    },
                });
            });
            await app.StartAsync();
            // The port Kestrel chose.
            authority.Issuer = app.Urls.Single().TrimEnd('/');
            return authority;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>A token of this authority for <paramref name="audience"/>; <paramref name="otherKey"/> signs with a key it never published.</summary>
    public string Token(string audience, RSA? otherKey = null)
    {
        var key = new RsaSecurityKey(otherKey ?? _rsa) { KeyId = KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "carol")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}

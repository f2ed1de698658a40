using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ConfigCenter.Gateway;

/// <summary>
/// Per-route authorization: <c>jwt</c> routes need a bearer token valid for the routes namespace's <c>Jwt</c>
/// settings (re-read on each routes release), <c>apikey</c> routes a config-center API key.
/// </summary>
public static class GatewayAuthentication
{
    public const string JwtScheme = "jwt";
    public const string ApiKeyScheme = "apikey";
    public const string JwtPolicy = "gateway-jwt";
    public const string ApiKeyPolicy = "gateway-apikey";
    public const string KeyIdClaim = "configcenter:key";

    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddJwtBearer(JwtScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtFromRoutes>();
        services.AddHostedService<JwtSettingsReloader>();
        services.AddAuthorizationBuilder()
            .AddPolicy(JwtPolicy, p => p.AddAuthenticationSchemes(JwtScheme).RequireAuthenticatedUser())
            .AddPolicy(ApiKeyPolicy, p => p.AddAuthenticationSchemes(ApiKeyScheme).RequireAuthenticatedUser());
        services.AddHttpClient(ApiKeyAuthenticationHandler.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>Builds the bearer options from the routes in force.</summary>
    private sealed class JwtFromRoutes(RoutesSource routes) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtScheme) return;
            var jwt = routes.Current.Routes.Jwt;
            options.MapInboundClaims = true;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = true,
                ValidAudience = jwt?.Audience ?? "",
                ValidateIssuer = true,
                ValidIssuer = jwt?.Issuer,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (jwt?.Authority is { } authority)
            {
                options.Authority = authority;
                options.Audience = jwt.Audience;
                options.RequireHttpsMetadata = authority.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                // No Jwt section: no key validates anything, so every token is refused.
                options.TokenValidationParameters.IssuerSigningKeys = jwt?.SigningKeys.Select(k => (SecurityKey)new SymmetricSecurityKey(Convert.FromBase64String(k))).ToList()
                    ?? [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")))];
            }
        }
    }

    /// <summary>Drops the cached bearer options when new routes are in force, so the next request builds them again.</summary>
    private sealed class JwtSettingsReloader(RoutesSource routes, IOptionsMonitorCache<JwtBearerOptions> cache) : IHostedService, IDisposable
    {
        private IDisposable? _subscription;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _subscription = Microsoft.Extensions.Primitives.ChangeToken.OnChange(routes.GetChangeToken, () => cache.TryRemove(JwtScheme));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _subscription?.Dispose();
    }
}

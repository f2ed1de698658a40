using ConfigCenter.Contracts;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>Cookies for the UI, bearer tokens for scripts, API keys for clients.</summary>
internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddConfigCenterAuth(this IServiceCollection services)
    {
        services.AddSingleton<IPasswordHasher<UserEntity>, PasswordHasher<UserEntity>>();
        services.AddSingleton<UserService>();
        services.AddSingleton<AdminBootstrapper>();

        services.AddAuthentication(AuthConstants.SmartScheme)
            .AddPolicyScheme(AuthConstants.SmartScheme, "Cookie, bearer token or API key", o => o.ForwardDefaultSelector = SelectScheme)
            .AddCookie(AuthConstants.CookieScheme, o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.Cookie.Name = "configcenter.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken(AuthConstants.BearerScheme);

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthConstants.ManagementPolicy, p => p
                .AddAuthenticationSchemes(AuthConstants.CookieScheme, AuthConstants.BearerScheme)
                .RequireClaim(AuthConstants.KindClaim, AuthConstants.UserKind))
            .AddPolicy(AuthConstants.AdminPolicy, p => p
                .AddAuthenticationSchemes(AuthConstants.CookieScheme, AuthConstants.BearerScheme)
                .RequireClaim(AuthConstants.KindClaim, AuthConstants.UserKind)
                .RequireRole(AuthConstants.AdminRole))
            .AddPolicy(AuthConstants.ClientPolicy, p => p
                .AddAuthenticationSchemes(AuthConstants.ApiKeyScheme)
                .RequireClaim(AuthConstants.KindClaim, AuthConstants.ClientKind));
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthConstants.BearerScheme;
        if (context.Request.Headers.ContainsKey(ConfigHubRoutes.ApiKeyHeader)) return AuthConstants.ApiKeyScheme;
        return AuthConstants.CookieScheme;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

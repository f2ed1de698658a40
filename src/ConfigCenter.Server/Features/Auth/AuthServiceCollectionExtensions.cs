using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Users;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Cookies for the UI, bearer tokens and personal access tokens for scripts, API keys for clients; role policies read
/// from <see cref="AccessDirectory"/>; deny by default (the fallback policy requires a signed-in user).
/// </summary>
internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddConfigCenterAuth(this IServiceCollection services)
    {
        services.AddSingleton<IPasswordHasher<UserEntity>, PasswordHasher<UserEntity>>();
        services.AddSingleton<UserService>();
        services.AddSingleton<AdminBootstrapper>();
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.ConfigCenterServerOptions>>().Value.Store.IsPostgres
            ? new SecretHasher(sp.GetRequiredService<Hosting.SharedSecrets>())
            : new SecretHasher(sp.GetRequiredService<Hosting.DataDirectory>()));
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<AppMembers>();
        services.AddSingleton<PersonalTokens>();
        services.AddSingleton<IAuthorizationHandler, AccessHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, UnmatchedRequestResultHandler>();
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section)
            .Validate(o => o.MaxFailuresPerUser > 0 && o.MaxFailuresPerAddress > 0 && o.Window > TimeSpan.Zero && o.Lockout > TimeSpan.Zero,
                "ConfigCenter:SignIn needs positive MaxFailuresPerUser, MaxFailuresPerAddress, Window and Lockout.")
            .ValidateOnStart();

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
                o.Events.OnRedirectToAccessDenied = ctx => Forbidden(ctx);
                o.Events.OnValidatePrincipal = ValidateCookieAsync;
            })
            .AddBearerToken(AuthConstants.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, PatAuthenticationHandler>(AuthConstants.PatScheme, null);
        services.AddOptions<BearerTokenOptions>(AuthConstants.BearerScheme).PostConfigure<AccessDirectory>((o, directory) =>
        {
            o.BearerTokenProtector = new StampCheckingTicketFormat(
                o.BearerTokenProtector ?? throw new InvalidOperationException("The bearer token protector is not configured."), directory);
        });

        var active = new ActiveUserRequirement(AllowPasswordChangePending: false);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(UserPolicy(active).Build())
            .AddPolicy(AuthConstants.ManagementPolicy, UserPolicy(active).Build())
            .AddPolicy(AuthConstants.AccountPolicy, UserPolicy(new ActiveUserRequirement(AllowPasswordChangePending: true)).Build())
            .AddPolicy(AuthConstants.AdminPolicy, UserPolicy(active).AddRequirements(new SystemAdminRequirement()).Build())
            .AddPolicy(AuthConstants.AppReadPolicy, UserPolicy(active).AddRequirements(new AppAccessRequirement(AppRight.Read)).Build())
            .AddPolicy(AuthConstants.AppEditPolicy, UserPolicy(active).AddRequirements(new AppAccessRequirement(AppRight.Edit)).Build())
            .AddPolicy(AuthConstants.AppPublishPolicy, UserPolicy(active).AddRequirements(new AppAccessRequirement(AppRight.Publish)).Build())
            .AddPolicy(AuthConstants.AppManagePolicy, UserPolicy(active).AddRequirements(new AppAccessRequirement(AppRight.Manage)).Build())
            .AddPolicy(AuthConstants.ClientPolicy, p => p
                .AddAuthenticationSchemes(AuthConstants.ApiKeyScheme)
                .RequireClaim(AuthConstants.KindClaim, AuthConstants.ClientKind));
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static AuthorizationPolicyBuilder UserPolicy(ActiveUserRequirement active) => new AuthorizationPolicyBuilder(AuthConstants.UserSchemes)
        .RequireAuthenticatedUser()
        .RequireClaim(AuthConstants.KindClaim, AuthConstants.UserKind)
        .AddRequirements(active);

    /// <summary>Every request with a cookie: a session of a user who since signed out, was disabled or changed roles or password ends here.</summary>
    private static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var directory = context.HttpContext.RequestServices.GetRequiredService<AccessDirectory>();
        if (context.Principal is { } principal && directory.IsCurrent(principal)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthConstants.CookieScheme);
    }

    private static string SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer " + PersonalTokens.TokenPrefix, StringComparison.Ordinal)) return AuthConstants.PatScheme;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthConstants.BearerScheme;
        if (context.Request.Headers.ContainsKey(ConfigHubRoutes.ApiKeyHeader)) return AuthConstants.ApiKeyScheme;
        return AuthConstants.CookieScheme;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs")
            || !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // A signed-in user who may not see a page gets 403, not a redirect loop through the login page.
    private static Task Forbidden(RedirectContext<CookieAuthenticationOptions> context)
    {
        var directory = context.HttpContext.RequestServices.GetRequiredService<AccessDirectory>();
        if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api")
            && directory.User(context.HttpContext.User) is { MustChangePassword: true })
        {
            context.Response.Redirect("/account/password");
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

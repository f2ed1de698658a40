using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Drafts.Pages;
using MudBlazor;
using MudBlazor.Services;

namespace ConfigCenter.Server.Features.Shell;

/// <summary>Registers and maps the admin UI (Blazor Server + MudBlazor).</summary>
internal static class UiServiceCollectionExtensions
{
    public static IServiceCollection AddConfigCenterUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.VisibleStateDuration = 4000;
            o.SnackbarConfiguration.PreventDuplicates = false;
        });
        services.AddAuthorizationBuilder().AddPolicy(UiAuth.Policy, p => p
            .AddAuthenticationSchemes(AuthConstants.CookieScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(AuthConstants.KindClaim, AuthConstants.UserKind));
        return services;
    }

    /// <summary>Call after <c>UseStaticFiles()</c>: the top-level wwwroot first, then the framework's and MudBlazor's assets.</summary>
    public static WebApplication MapConfigCenterUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapExportEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Drafts.Pages;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Authorization;
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
        // Circuits re-check the session (security stamp) and end at once when the user signs out elsewhere.
        services.AddScoped<AuthenticationStateProvider, UserSessionStateProvider>();
        return services;
    }

    /// <summary>Call after <c>UseStaticFiles()</c>: the top-level wwwroot first, then the framework's and MudBlazor's assets.</summary>
    public static WebApplication MapConfigCenterUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapExportEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(DeclareFrameworkEndpoints);
        return app;
    }

    // Pages declare their policy with [Authorize]; the framework's own endpoints are declared here. Circuits
    // (/_blazor) act as the signed-in user, so they need one; the redirect helper only bounces to a local URL.
    private static void DeclareFrameworkEndpoints(EndpointBuilder endpoint)
    {
        if (endpoint is not RouteEndpointBuilder { RoutePattern.RawText: { } pattern }) return;
        var path = "/" + pattern.TrimStart('/');
        if (path.StartsWith("/_blazor", StringComparison.Ordinal)) endpoint.Metadata.Add(new AuthorizeAttribute(AuthConstants.ManagementPolicy));
        else if (path.StartsWith("/_framework/", StringComparison.Ordinal)) endpoint.Metadata.Add(new AllowAnonymousAttribute());
    }
}

using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.ConfigHub;

/// <summary>Registers and maps the client hub <c>/hubs/config</c>.</summary>
internal static class ConfigHubExtensions
{
    public static IServiceCollection AddConfigHub(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddHostedService<ReleaseBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapConfigHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<ConfigHub>(ConfigHubRoutes.Hub).RequireAuthorization(AuthConstants.ClientPolicy);
        return app;
    }
}

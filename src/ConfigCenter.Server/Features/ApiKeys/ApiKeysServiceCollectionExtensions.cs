using ConfigCenter.Server.Features.Auth;
using Microsoft.AspNetCore.Authentication;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>Client API keys: the store, the service and the authentication scheme that checks the X-Api-Key header.</summary>
internal static class ApiKeysServiceCollectionExtensions
{
    public static IServiceCollection AddConfigCenterApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyConnections>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsage>());
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthConstants.ApiKeyScheme, null);
        return services;
    }
}

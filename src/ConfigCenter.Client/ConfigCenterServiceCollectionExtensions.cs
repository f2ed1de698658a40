using ConfigCenter.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConfigCenter.Client;

/// <summary>Registers ConfigCenter services: change notifications and the health check.</summary>
public static class ConfigCenterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IConfigCenterChanges"/>. Resolving it fails with a clear message when the application's
    /// configuration has no ConfigCenter source (<c>AddConfigCenter</c> was not called).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddConfigCenterChanges(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IConfigCenterChanges>(sp => new ConfigCenterChanges(sp.GetRequiredService<IConfiguration>()));
        return services;
    }

    /// <summary>
    /// Adds a health check named <paramref name="name"/> reporting the transport state and the age of the applied
    /// revision: healthy while a transport is connected, degraded when running on loaded data with every transport
    /// down, unhealthy with nothing loaded.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The health check name. Default <c>configcenter</c>.</param>
    /// <param name="tags">Tags for filtering, e.g. <c>ready</c>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddConfigCenterHealthCheck(this IHealthChecksBuilder builder, string name = "configcenter", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new ConfigCenterHealthCheck(sp.GetRequiredService<IConfiguration>()), null, tags));
    }
}

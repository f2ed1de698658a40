using ConfigCenter.Client.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace ConfigCenter.Client;

/// <summary>Registers this service in the ConfigCenter registry and discovers others through it.</summary>
public static class ConfigCenterRegistryServiceCollectionExtensions
{
    /// <summary>
    /// Registers this process in the registry once the server listens, on an etcd lease kept alive every TTL/3 and
    /// granted as the host starts (while the server binds), so the registration itself is a single etcd write; its
    /// health follows the application's health checks; stopping the host revokes the lease before the server stops.
    /// Inject <see cref="IServiceRegistration"/> to change weight or draining at run time (changes of the options do so too).
    /// Options bind from <c>ConfigCenter:Registration</c>, then <paramref name="configure"/> runs. Invalid settings
    /// fail start-up with a clear message, before anything is written.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; code wins over configuration.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddConfigCenterRegistration(this IServiceCollection services, Action<ServiceRegistrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddRegistryCore(services);
        var options = services.AddOptions<ServiceRegistrationOptions>().BindConfiguration(ServiceRegistrationOptions.SectionName);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddSingleton<ServiceRegistrationValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ServiceRegistrationOptions>, ServiceRegistrationValidator>(
            sp => sp.GetRequiredService<ServiceRegistrationValidator>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceRegistrationOptions>, ServiceRegistrationValidator>(
            sp => sp.GetRequiredService<ServiceRegistrationValidator>()));
        services.TryAddSingleton<RegistrationEndpoint>();
        services.TryAddSingleton<ServiceRegistration>();
        services.TryAddSingleton<IServiceRegistration>(sp => sp.GetRequiredService<ServiceRegistration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServiceRegistration>(sp => sp.GetRequiredService<ServiceRegistration>()));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IServiceRegistry"/>: the instances of the configured environment (<c>ConfigCenter</c>
    /// section) from a cache one etcd watch keeps current. Options bind from <c>ConfigCenter:Discovery</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; code wins over configuration.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddConfigCenterDiscovery(this IServiceCollection services, Action<ServiceRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddRegistryCore(services);
        var options = services.AddOptions<ServiceRegistryOptions>().BindConfiguration(ServiceRegistryOptions.SectionName);
        if (configure is not null) options.Configure(configure);
        options.Validate(o => o.ProtectionThreshold is >= 0 and <= 1, "ConfigCenter:Discovery:ProtectionThreshold must be between 0 and 1.");
        services.TryAddSingleton<ServiceRegistry>();
        services.TryAddSingleton<IServiceRegistry>(sp => sp.GetRequiredService<ServiceRegistry>());
        return services;
    }

    /// <summary>
    /// Lets Microsoft.Extensions.ServiceDiscovery resolve <c>http://{service}</c> to the registered instances (after
    /// <c>AddServiceDiscovery()</c>); changes reach the library through a change token, nothing polls.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddConfigCenterServiceEndpoints(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddConfigCenterDiscovery();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, ConfigCenterServiceEndpointProviderFactory>());
        return services;
    }

    private static void AddRegistryCore(IServiceCollection services) => services.TryAddSingleton<RegistryEtcd>();
}

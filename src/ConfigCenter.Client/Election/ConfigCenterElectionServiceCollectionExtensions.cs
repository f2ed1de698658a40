using ConfigCenter.Client.Election;
using ConfigCenter.Client.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client;

/// <summary>Leader election among the instances of a service, on the registry's etcd (the <c>ConfigCenter</c> section).</summary>
public static class ConfigCenterElectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="ILeaderElection"/> named <paramref name="name"/> (keyed by its name; the first one
    /// registered is also the unkeyed <see cref="ILeaderElection"/>). Its etcd key prefix is
    /// <c>{ConfigCenter:Etcd:Prefix}/election/{ConfigCenter:Environment}/{name}</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The election name: lowercase letters, digits and '-'.</param>
    /// <param name="ttl">The lease TTL (default 15 s, at least 2 s): how long a crashed leader keeps leading.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddConfigCenterLeaderElection(this IServiceCollection services, string name, TimeSpan? ttl = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problem = ServiceNames.Check(name, "The election name");
        if (problem is not null) throw new ArgumentException(problem, nameof(name));
        var lease = ttl ?? TimeSpan.FromSeconds(15);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.FromSeconds(2), nameof(ttl));
        services.TryAddSingleton<RegistryEtcd>();
        services.TryAddKeyedSingleton<ILeaderElection>(name, (sp, _) => new LeaderElection(sp.GetRequiredService<RegistryEtcd>(), name, lease,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("ConfigCenter.Election")));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<ILeaderElection>(name));
        return services;
    }
}

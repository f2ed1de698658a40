using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.ServiceDiscovery;

namespace ConfigCenter.Client.Registry;

/// <summary>Creates thin endpoint providers over the process's one <see cref="ServiceRegistry"/>.</summary>
internal sealed class ConfigCenterServiceEndpointProviderFactory(ServiceRegistry registry) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        provider = new ConfigCenterServiceEndpointProvider(query, registry);
        return true;
    }
}

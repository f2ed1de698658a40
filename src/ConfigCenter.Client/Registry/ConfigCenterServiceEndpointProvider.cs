using Microsoft.Extensions.ServiceDiscovery;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// The registered instances of one service for Microsoft.Extensions.ServiceDiscovery. It holds nothing: the library
/// disposes idle providers, the registry cache lives on in its singleton.
/// </summary>
internal sealed class ConfigCenterServiceEndpointProvider(ServiceEndpointQuery query, ServiceRegistry registry) : IServiceEndpointProvider
{
    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        // A provider ahead of us (configuration) already answered.
        if (endpoints.Endpoints.Count != 0) return;
        // Token first: a change between it and the read fires it, so the library reads again.
        endpoints.AddChangeToken(registry.GetChangeToken());
        var instances = await registry.GetInstancesAsync(query.ServiceName, cancellationToken).ConfigureAwait(false);
        var schemes = query.IncludedSchemes;
        // "https+http://svc" lists schemes by preference: keep the instances of the most preferred scheme present.
        var best = schemes.Count == 0 ? -1 : instances.Select(i => IndexOf(schemes, i.Scheme)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        foreach (var instance in instances)
        {
            if (schemes.Count > 0 && (best < 0 || IndexOf(schemes, instance.Scheme) != best)) continue;
            var uri = new UriBuilder(instance.Scheme, instance.Address, instance.Port).Uri;
            var endpoint = ServiceEndpoint.Create(new UriEndPoint(uri));
            endpoint.Features.Set<IServiceEndpointProvider>(this);
            endpoints.Endpoints.Add(endpoint);
        }
    }

    private static int IndexOf(IReadOnlyList<string> schemes, string scheme)
    {
        for (var i = 0; i < schemes.Count; i++)
        {
            if (string.Equals(schemes[i], scheme, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => "ConfigCenter";
}

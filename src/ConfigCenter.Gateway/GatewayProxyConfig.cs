using ConfigCenter.Contracts;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ConfigCenter.Gateway;

/// <summary>One YARP configuration; its change token fires when the next one replaces it.</summary>
public sealed class GatewayProxyConfig : IProxyConfig, IDisposable
{
    private readonly CancellationTokenSource _changed = new();

    public GatewayProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, int routesVersion)
    {
        Routes = routes;
        Clusters = clusters;
        RevisionId = $"{routesVersion}-{Guid.NewGuid():N}";
        ChangeToken = new CancellationChangeToken(_changed.Token);
    }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    public IChangeToken ChangeToken { get; }

    public string RevisionId { get; }

    public RoutesSnapshot Snapshot { get; init; } = RoutesSnapshot.Empty;

    public IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> Instances { get; init; } = new Dictionary<string, IReadOnlyList<RegistryEntry>>();

    internal void SignalChange() => _changed.Cancel();

    public void Dispose() => _changed.Dispose();
}

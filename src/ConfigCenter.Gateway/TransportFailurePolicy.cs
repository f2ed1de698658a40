using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ConfigCenter.Gateway;

/// <summary>
/// Passive health: a destination the gateway could not reach (no connection, or no response at all) is taken out
/// for <see cref="GatewayOptions.ReactivationPeriod"/> at once — before its registry lease expires — and tried again
/// afterwards. Timeouts and client aborts say nothing about the destination and are ignored.
/// </summary>
public sealed class TransportFailurePolicy(IDestinationHealthUpdater healthUpdater, IOptions<GatewayOptions> options, ILogger<TransportFailurePolicy> logger)
    : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "ConfigCenterTransportFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error?.Error is not ForwarderError.Request) return;
        logger.LogWarning("Destination {Destination} of {Cluster} failed at the transport level ({Error}); out for {Period}",
            destination.DestinationId, cluster.ClusterId, error.Exception?.Message, options.Value.ReactivationPeriod);
        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, options.Value.ReactivationPeriod);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ConfigCenter.Gateway;

/// <summary>
/// Smooth weighted round robin (each pick adds every candidate's weight to its score, takes the highest and
/// subtracts the total from it), over the destinations in the gateway's own zone when there are any, else over all.
/// Weight and zone come from the registry metadata (<c>weight</c>, default 100; <c>zone</c>). Equal weights
/// alternate strictly.
/// </summary>
public sealed class WeightedZoneLoadBalancingPolicy(IOptions<GatewayOptions> options) : ILoadBalancingPolicy
{
    public const string PolicyName = "ConfigCenterWeightedZone";
    private const int DefaultWeight = 100;

    private readonly string? _zone = string.IsNullOrWhiteSpace(options.Value.Zone) ? null : options.Value.Zone;
    private readonly ConcurrentDictionary<string, ClusterScores> _scores = new(StringComparer.Ordinal);

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0) return null;
        IReadOnlyList<DestinationState> candidates = availableDestinations;
        if (_zone is not null)
        {
            var local = availableDestinations.Where(d => string.Equals(Metadata(d, "zone"), _zone, StringComparison.OrdinalIgnoreCase)).ToList();
            if (local.Count > 0) candidates = local;
        }
        if (candidates.Count == 1) return candidates[0];
        return _scores.GetOrAdd(cluster.ClusterId, _ => new ClusterScores()).Pick(candidates);
    }

    internal static int Weight(DestinationState destination) =>
        int.TryParse(Metadata(destination, "weight"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w > 0 ? w : DefaultWeight;

    private static string? Metadata(DestinationState destination, string key) =>
        destination.Model?.Config.Metadata is { } metadata && metadata.TryGetValue(key, out var value) ? value : null;

    private sealed class ClusterScores
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, long> _scores = new(StringComparer.Ordinal);

        public DestinationState Pick(IReadOnlyList<DestinationState> candidates)
        {
            lock (_gate)
            {
                long total = 0;
                DestinationState? best = null;
                long bestScore = long.MinValue;
                foreach (var destination in candidates)
                {
                    var weight = Weight(destination);
                    total += weight;
                    var score = _scores.GetValueOrDefault(destination.DestinationId) + weight;
                    _scores[destination.DestinationId] = score;
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = destination;
                    }
                }
                _scores[best!.DestinationId] = bestScore - total;
                // Destinations that left the cluster must not keep a score forever.
                if (_scores.Count > candidates.Count * 4) _scores.Clear();
                return best;
            }
        }
    }
}

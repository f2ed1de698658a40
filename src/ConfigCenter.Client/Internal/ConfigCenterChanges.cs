using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Internal;

/// <summary><see cref="IConfigCenterChanges"/> over every ConfigCenter source of the application's configuration.</summary>
internal sealed class ConfigCenterChanges(IConfiguration configuration) : IConfigCenterChanges
{
    private readonly IReadOnlyList<ConfigCenterRuntime> _runtimes = ConfigCenterRuntimes.From(configuration);

    public IReadOnlyDictionary<string, long> AppliedRevisions =>
        _runtimes.SelectMany(r => r.Applier.Revisions).GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(p => p.Value), StringComparer.Ordinal);

    public IDisposable Subscribe(Action<ConfigCenterChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscriptions = _runtimes.Select(r => r.Applier.Subscribe(handler)).ToList();
        return new Subscriptions(subscriptions);
    }

    private sealed class Subscriptions(List<IDisposable> inner) : IDisposable
    {
        public void Dispose()
        {
            foreach (var subscription in inner) subscription.Dispose();
        }
    }
}

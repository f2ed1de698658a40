using ConfigCenter.Contracts;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Internal;

/// <summary><see cref="IConfigCenterChanges"/> over every ConfigCenter source of the application's configuration.</summary>
internal sealed class ConfigCenterChanges(IConfiguration configuration) : IConfigCenterChanges
{
    private readonly IReadOnlyList<ConfigCenterRuntime> _runtimes = ConfigCenterRuntimes.From(configuration);

    public IReadOnlyDictionary<ConfigCenterNamespace, long> AppliedRevisions
    {
        get
        {
            // Two sources may load the same namespace of the same app: report the newer of the two.
            var newest = new Dictionary<ConfigCenterNamespace, ReleaseDocument>();
            foreach (var document in _runtimes.SelectMany(r => r.Applier.Current.Values))
            {
                var key = new ConfigCenterNamespace(document.App, document.Environment, document.Namespace);
                if (ReleaseOrder.IsNewer(document, newest.GetValueOrDefault(key))) newest[key] = document;
            }
            return newest.ToDictionary(p => p.Key, p => p.Value.Revision);
        }
    }

    public IDisposable Subscribe(Action<ConfigCenterChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new Subscription(_runtimes, handler);
    }

    private sealed class Subscription : IDisposable
    {
        private readonly IReadOnlyList<ConfigCenterRuntime> _runtimes;
        private readonly Action<ConfigCenterChange> _handler;
        private int _disposed;

        public Subscription(IReadOnlyList<ConfigCenterRuntime> runtimes, Action<ConfigCenterChange> handler)
        {
            _runtimes = runtimes;
            _handler = handler;
            foreach (var runtime in runtimes) runtime.Applier.Applied += OnApplied;
        }

        private void OnApplied(ReleasesApplied applied)
        {
            // One failing change must not hide the other namespaces of the round from this handler.
            List<Exception>? errors = null;
            foreach (var change in applied.Changes)
            {
                try
                {
                    _handler(change);
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }
            if (errors is not null) throw new AggregateException("A ConfigCenter change handler failed.", errors);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            foreach (var runtime in _runtimes) runtime.Applier.Applied -= OnApplied;
        }
    }
}

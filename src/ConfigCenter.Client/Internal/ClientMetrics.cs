using System.Diagnostics.Metrics;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// The client's instruments on the <c>ConfigCenter.Client</c> meter: applied revision per namespace, reload count,
/// last apply latency (publish time to reload) and transport connected (1/0).
/// </summary>
internal sealed class ClientMetrics : IDisposable
{
    private const string MeterName = "ConfigCenter.Client";

    private readonly Meter _meter;
    private readonly Counter<long> _reloads;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly TimeProvider _time;
    private double _lastLatencyMs;

    public ClientMetrics(string app, string environment, TimeProvider time, Func<IReadOnlyDictionary<string, ReleaseDocument>> applied,
        IReadOnlyList<TransportStatus> transports)
    {
        _time = time;
        _tags = [new("configcenter.app", app), new("configcenter.environment", environment)];
        _meter = new Meter(MeterName, typeof(ClientMetrics).Assembly.GetName().Version?.ToString());
        _reloads = _meter.CreateCounter<long>("configcenter.client.reloads", "{reload}", "Configuration reloads applied.");
        _meter.CreateObservableGauge("configcenter.client.applied_revision",
            () => applied().Select(r => new Measurement<long>(r.Value.Revision, [.. _tags, new("configcenter.namespace", r.Key)])),
            "{revision}", "The release revision applied per namespace.");
        _meter.CreateObservableGauge("configcenter.client.last_apply_latency",
            () => new Measurement<double>(Volatile.Read(ref _lastLatencyMs), _tags),
            "ms", "Time from publish to reload of the last applied release.");
        _meter.CreateObservableGauge("configcenter.client.transport_connected",
            () => transports.Select(t => new Measurement<int>(t.Connected ? 1 : 0, [.. _tags, new("configcenter.transport", t.Name)])),
            "{connected}", "1 while the transport is connected.");
    }

    /// <summary>Counts the reload of an apply round and its latency from the newest publish time.</summary>
    public void OnApplied(ReleasesApplied applied)
    {
        _reloads.Add(1, _tags);
        var latency = _time.GetUtcNow() - applied.Releases.Max(r => r.Document.PublishedAt);
        Volatile.Write(ref _lastLatencyMs, Math.Max(0, latency.TotalMilliseconds));
    }

    public void Dispose() => _meter.Dispose();
}

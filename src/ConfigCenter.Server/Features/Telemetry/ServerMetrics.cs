using System.Diagnostics;
using System.Diagnostics.Metrics;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Instances;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Telemetry;

/// <summary>
/// The server's instruments on the <c>ConfigCenter.Server</c> meter: publishes, the outbox backlog (depth, age of the
/// oldest row, parked rows), relay latency, hub connections, client reads, published namespaces and registry sizes.
/// Any <c>System.Diagnostics.Metrics</c> listener sees them; the opt-in Prometheus endpoint exports them.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "ConfigCenter.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _publishes;
    private readonly Counter<long> _delivered;
    private readonly Histogram<double> _relayLatency;
    private readonly UpDownCounter<long> _hubConnections;
    private readonly Counter<long> _reads;
    private readonly IDbContextFactory<ConfigCenterDbContext> _dbFactory;
    private readonly TimeProvider _time;

    internal ServerMetrics(IMeterFactory meterFactory, IDbContextFactory<ConfigCenterDbContext> dbFactory, ReleaseCache cache,
        RegistryView registry, InstanceTracker instances, TimeProvider time)
    {
        _dbFactory = dbFactory;
        _time = time;
        _meter = meterFactory.Create(MeterName);
        _publishes = _meter.CreateCounter<long>("configcenter.server.publishes", "{release}", "Releases committed (publishes and rollbacks).");
        _delivered = _meter.CreateCounter<long>("configcenter.server.relay.delivered", "{release}", "Outbox rows the relay delivered to etcd.");
        _relayLatency = _meter.CreateHistogram<double>("configcenter.server.relay.latency", "ms", "Time from commit of a release to etcd confirming it.");
        _hubConnections = _meter.CreateUpDownCounter<long>("configcenter.server.hub.connections", "{connection}", "Open connections to /hubs/config.");
        _reads = _meter.CreateCounter<long>("configcenter.server.reads", "{request}", "Client reads of GET /api/v1/config/{env}/{app}/{ns}, by status code.");
        _meter.CreateObservableGauge("configcenter.server.outbox.pending", () => Outbox().Pending, "{row}", "Outbox rows waiting for delivery to etcd.");
        _meter.CreateObservableGauge("configcenter.server.outbox.oldest_age", () => Outbox().OldestAgeSeconds, "s",
            "Age of the oldest outbox row waiting for delivery (0 when none waits).");
        _meter.CreateObservableGauge("configcenter.server.outbox.parked", () => Outbox().Parked, "{row}", "Outbox rows etcd refused for good, waiting for an admin.");
        _meter.CreateObservableGauge("configcenter.server.releases.published", () => cache.Count, "{namespace}", "Namespaces with a current release held by this server.");
        _meter.CreateObservableGauge("configcenter.server.registry.instances", () => registry.Sizes()
            .Select(s => new Measurement<int>(s.Instances, new KeyValuePair<string, object?>("configcenter.environment", s.Environment))),
            "{instance}", "Registered instances per followed environment.");
        _meter.CreateObservableGauge("configcenter.server.registry.services", () => registry.Sizes()
            .Select(s => new Measurement<int>(s.Services, new KeyValuePair<string, object?>("configcenter.environment", s.Environment))),
            "{service}", "Registered services per followed environment.");
        _meter.CreateObservableGauge("configcenter.server.hub.instances", () => instances.ConnectedCount, "{instance}",
            "Instances subscribed through this server's hub.");
    }

    public void Published(string app, string environment, bool rollback) => _publishes.Add(1, new TagList
    {
        { "configcenter.app", app }, { "configcenter.environment", environment }, { "configcenter.kind", rollback ? "rollback" : "publish" },
    });

    /// <summary>One outbox row reached etcd; <paramref name="createdAt"/> is when its release committed.</summary>
    public void Delivered(DateTimeOffset createdAt)
    {
        _delivered.Add(1);
        _relayLatency.Record(Math.Max(0, (_time.GetUtcNow() - createdAt).TotalMilliseconds));
    }

    public void HubConnected() => _hubConnections.Add(1);

    public void HubDisconnected() => _hubConnections.Add(-1);

    public void Read(int status) => _reads.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status));

    // Observable callbacks are synchronous; they run once per collection (a scrape), and SQLite answers these from indexes.
    private (int Pending, double OldestAgeSeconds, int Parked) Outbox()
    {
        using var db = _dbFactory.CreateDbContext();
        var pending = db.Outbox.Where(o => o.DeliveredAt == null && o.ParkedAt == null);
        var count = pending.Count();
        var oldest = count == 0 ? null : pending.OrderBy(o => o.Id).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefault();
        var parked = db.Outbox.Count(o => o.ParkedAt != null);
        var age = oldest is { } at ? Math.Max(0, (_time.GetUtcNow() - at).TotalSeconds) : 0;
        return (count, age, parked);
    }

    public void Dispose() => _meter.Dispose();
}

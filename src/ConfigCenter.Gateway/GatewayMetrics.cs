using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ConfigCenter.Gateway;

/// <summary>
/// Requests, latency and retries per destination, as System.Diagnostics.Metrics instruments (meter
/// <c>ConfigCenter.Gateway</c>, for any OpenTelemetry/dotnet-counters listener) and as totals served at <c>/metrics</c>.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "ConfigCenter.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly ConcurrentDictionary<string, DestinationTotals> _totals = new(StringComparer.Ordinal);

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("configcenter.gateway.requests", description: "Forwarding attempts per route, destination and status code");
        _duration = _meter.CreateHistogram<double>("configcenter.gateway.request.duration", unit: "ms", description: "Time of one forwarding attempt");
        _retries = _meter.CreateCounter<long>("configcenter.gateway.retries", description: "Requests retried on another destination, by the destination that failed");
    }

    public void Attempt(string route, string destination, int status, bool failed, TimeSpan elapsed)
    {
        var tags = new TagList { { "route", route }, { "destination", destination }, { "status", status } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
        var totals = _totals.GetOrAdd(destination, _ => new DestinationTotals());
        Interlocked.Increment(ref totals.Requests);
        if (failed) Interlocked.Increment(ref totals.Failures);
        Interlocked.Add(ref totals.TotalMicroseconds, (long)(elapsed.TotalMilliseconds * 1000));
    }

    public void Retry(string route, string failedDestination)
    {
        _retries.Add(1, new TagList { { "route", route }, { "destination", failedDestination } });
        Interlocked.Increment(ref _totals.GetOrAdd(failedDestination, _ => new DestinationTotals()).Retries);
    }

    /// <summary>Totals per destination since start.</summary>
    public IReadOnlyDictionary<string, DestinationMetrics> Snapshot() => _totals.ToDictionary(
        kv => kv.Key,
        kv => new DestinationMetrics(
            Interlocked.Read(ref kv.Value.Requests),
            Interlocked.Read(ref kv.Value.Failures),
            Interlocked.Read(ref kv.Value.Retries),
            kv.Value.Requests == 0 ? 0 : Interlocked.Read(ref kv.Value.TotalMicroseconds) / 1000.0 / kv.Value.Requests),
        StringComparer.Ordinal);

    public void Dispose() => _meter.Dispose();

    private sealed class DestinationTotals
    {
        public long Requests;
        public long Failures;
        public long Retries;
        public long TotalMicroseconds;
    }
}

/// <summary>Totals of one destination: attempts, failed attempts, retries it caused, mean attempt time.</summary>
public sealed record DestinationMetrics(long Requests, long Failures, long Retries, double MeanMilliseconds);

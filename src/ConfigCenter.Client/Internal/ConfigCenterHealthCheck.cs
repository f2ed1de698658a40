using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// Healthy while a transport is connected; degraded while every transport is down but configuration is loaded
/// (from a live source earlier or the cache); unhealthy with nothing loaded. Data: transport states, applied
/// revisions and the age of the newest applied release.
/// </summary>
internal sealed class ConfigCenterHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var runtimes = ConfigCenterRuntimes.From(configuration);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var worst = HealthStatus.Healthy;
        var notes = new List<string>();
        foreach (var runtime in runtimes)
        {
            var name = $"{runtime.Options.App}/{runtime.Options.Environment}";
            foreach (var transport in runtime.Transports)
            {
                data[$"{name}:transport:{transport.Name}"] = transport.Connected ? $"connected to {transport.Endpoint}" : $"down: {transport.LastError ?? "not connected yet"}";
            }
            var applied = runtime.Applier.Current;
            foreach (var (ns, document) in applied) data[$"{name}:revision:{ns}"] = document.Revision;
            if (applied.Count > 0)
            {
                var published = applied.Values.Max(d => d.PublishedAt);
                data[$"{name}:revisionAgeSeconds"] = Math.Round((runtime.Options.TimeProvider.GetUtcNow() - published).TotalSeconds, 1);
            }
            var status = runtime.Transports.Any(t => t.Connected) ? HealthStatus.Healthy
                : applied.Count > 0 || runtime.LiveSourceAnswered ? HealthStatus.Degraded
                : HealthStatus.Unhealthy;
            if (status != HealthStatus.Healthy) notes.Add($"{name}: {string.Join("; ", runtime.Transports)}");
            if (status < worst) worst = status;
        }
        var description = notes.Count == 0 ? "ConfigCenter transports connected" : string.Join(" | ", notes);
        return Task.FromResult(new HealthCheckResult(worst, description, data: data));
    }
}

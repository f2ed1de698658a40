using ConfigCenter.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// Configured entirely through ConfigCenter__* environment variables by the fault suite.
var builder = WebApplication.CreateBuilder(args);
// The configuration provider starts before the host's logging exists: it gets a console logger of its own, so the
// fault suite sees the transport's warnings (a frozen member, a compacted history) in the process output.
using var clientLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
builder.Configuration.AddConfigCenter(o => o.LoggerFactory = clientLogging);
builder.Services.AddConfigCenterChanges();
builder.Services.AddHealthChecks().AddConfigCenterHealthCheck();
builder.Services.AddConfigCenterRegistration();

var app = builder.Build();

// What this process applied: revisions per namespace, the watched values, the transports' state (which etcd member)
// and whether its registry entry is held.
app.MapGet("/state", async (IConfiguration configuration, IConfigCenterChanges changes, HealthCheckService health,
    IServiceRegistration registration, CancellationToken ct) =>
{
    var report = await health.CheckHealthAsync(ct);
    var data = report.Entries.Values.SelectMany(e => e.Data).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString());
    return new ClientState(
        changes.AppliedRevisions.ToDictionary(kv => kv.Key.Namespace, kv => kv.Value),
        configuration["Seq"],
        data.Where(kv => kv.Key.EndsWith(":transport:etcd", StringComparison.Ordinal)).Select(kv => kv.Value).FirstOrDefault(),
        registration.Current?.InstanceId,
        report.Status.ToString());
});

app.Run();

internal sealed record ClientState(IReadOnlyDictionary<string, long> Revisions, string? Seq, string? Etcd, string? Registered, string Health);

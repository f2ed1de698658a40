using ConfigCenter.Client;
using Microsoft.Extensions.Options;

namespace ConfigCenter.SampleService;

/// <summary>Logs every configuration change: the typed options as IOptionsMonitor sees them, and what ConfigCenter applied.</summary>
internal sealed class ChangeLogger(IOptionsMonitor<SampleSettings> settings, IConfigCenterChanges changes, ILogger<ChangeLogger> logger) : IHostedService
{
    private IDisposable? _options;
    private IDisposable? _releases;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Starting with Greeting={Greeting} MaxItems={MaxItems}", settings.CurrentValue.Greeting, settings.CurrentValue.MaxItems);
        _options = settings.OnChange(s => logger.LogInformation("Options changed: Greeting={Greeting} MaxItems={MaxItems}", s.Greeting, s.MaxItems));
        _releases = changes.Subscribe(c => logger.LogInformation("Applied {App}/{Env}/{Namespace} r{Old} -> r{New} from {Source}; changed keys: {Keys}",
            c.App, c.Environment, c.Namespace, c.OldRevision, c.NewRevision, c.Source, string.Join(", ", c.ChangedKeys)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _options?.Dispose();
        _releases?.Dispose();
        return Task.CompletedTask;
    }
}

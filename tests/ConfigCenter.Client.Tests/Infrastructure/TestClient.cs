using System.Collections.Concurrent;
using ConfigCenter.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>
/// A service's configuration as a host builds it: a ConfigurationManager with AddConfigCenter, a service provider
/// with IOptionsMonitor&lt;TestSettings&gt; and IConfigCenterChanges, and a record of every change callback.
/// </summary>
internal sealed class TestClient : IDisposable
{
    private readonly ConfigurationManager _configuration;
    private readonly ServiceProvider _services;
    private readonly IDisposable? _onChange;
    private readonly IDisposable _changesSubscription;
    private readonly ILoggerFactory _loggerFactory;

    private TestClient(ConfigurationManager configuration, CapturingLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        Logs = logs;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<TestSettings>().Bind(configuration);
        services.AddConfigCenterChanges();
        _services = services.BuildServiceProvider();
        Monitor = _services.GetRequiredService<IOptionsMonitor<TestSettings>>();
        _ = Monitor.CurrentValue;
        _onChange = Monitor.OnChange(settings => OptionChanges.Enqueue(Snapshot()));
        Changes = _services.GetRequiredService<IConfigCenterChanges>();
        _changesSubscription = Changes.Subscribe(ChangeEvents.Enqueue);
    }

    public IConfiguration Configuration => _configuration;

    public IOptionsMonitor<TestSettings> Monitor { get; }

    public IConfigCenterChanges Changes { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The whole configuration at each IOptionsMonitor change callback.</summary>
    public ConcurrentQueue<Dictionary<string, string?>> OptionChanges { get; } = new();

    public ConcurrentQueue<ConfigCenterChange> ChangeEvents { get; } = new();

    internal ConfigCenterRuntime Runtime => ConfigCenterRuntimes.From(_configuration).Single();

    public string? this[string key] => _configuration[key];

    public static TestClient Start(Action<ConfigCenterOptions> configure)
    {
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationManager();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        configuration.AddConfigCenter(o =>
        {
            o.LoggerFactory = loggerFactory;
            o.CacheDirectory = Directory.CreateTempSubdirectory("configcenter-client-cache-").FullName;
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
            o.Etcd.KeepAliveTimeout = TimeSpan.FromSeconds(2);
            o.Etcd.ProgressInterval = TimeSpan.FromMilliseconds(500);
            o.Server.PollInterval = TimeSpan.FromSeconds(1);
            configure(o);
        });
        return new TestClient(configuration, logs, loggerFactory);
    }

    /// <summary>
    /// Waits until <paramref name="revision"/> of <paramref name="ns"/> was applied and every change callback ran
    /// (the change event is raised after the reload).
    /// </summary>
    public Task WaitAppliedAsync(string ns, long revision, TimeSpan? timeout = null) =>
        Testing.WaitFor.ConditionAsync(() => ChangeEvents.Any(c => c.Namespace == ns && c.NewRevision >= revision),
            timeout ?? TimeSpan.FromSeconds(15), $"the client applies {ns} r{revision}");

    /// <summary>The configuration's leaf keys and values right now.</summary>
    public Dictionary<string, string?> Snapshot() =>
        _configuration.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _changesSubscription.Dispose();
        _onChange?.Dispose();
        _services.Dispose();
        _configuration.Dispose();
        _loggerFactory.Dispose();
    }
}

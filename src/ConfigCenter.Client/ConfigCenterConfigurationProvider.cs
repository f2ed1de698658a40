using ConfigCenter.Client.Internal;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client;

/// <summary>
/// Configuration from ConfigCenter. The first <see cref="Load"/> starts the transports and waits for the current
/// releases; after that every applied release replaces <see cref="ConfigurationProvider.Data"/> once and calls
/// <see cref="ConfigurationProvider.OnReload"/> once, so <c>IOptionsMonitor&lt;T&gt;</c> sees one change per publish.
/// </summary>
internal sealed class ConfigCenterConfigurationProvider(ConfigCenterOptions options) : ConfigurationProvider, IDisposable
{
    private readonly Lock _gate = new();
    private ConfigCenterRuntime? _runtime;

    /// <summary>The running client (null before the first load).</summary>
    public ConfigCenterRuntime? Runtime => _runtime;

    public override void Load()
    {
        // Reload() calls Load again: the transports already keep the data current, so only the first call starts them.
        lock (_gate)
        {
            if (_runtime is not null) return;
            var runtime = new ConfigCenterRuntime(options, Replace);
            runtime.Start();
            _runtime = runtime;
        }
    }

    private void Replace(Dictionary<string, string?> data)
    {
        Data = data;
        OnReload();
    }

    public void Dispose() => _runtime?.Dispose();

    public override string ToString() => $"{nameof(ConfigCenterConfigurationProvider)} for {options.App}/{options.Environment} [{string.Join(", ", options.Namespaces)}]";
}

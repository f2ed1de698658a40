using ConfigCenter.Client.Etcd;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// The registry's etcd connection, shared by registration and discovery in one process, with the prefix, environment
/// and app of the <c>ConfigCenter</c> section (the same settings the configuration provider binds).
/// </summary>
internal sealed class RegistryEtcd : IAsyncDisposable
{
    private readonly Lazy<EtcdConnection> _connection;

    public RegistryEtcd(IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        var options = new ConfigCenterOptions();
        configuration.GetSection(ConfigCenterOptions.SectionName).Bind(options);
        Settings = options;
        Prefix = EtcdKeys.NormalizePrefix(options.Etcd.Prefix);
        var logger = loggerFactory.CreateLogger("ConfigCenter.Registry");
        _connection = new Lazy<EtcdConnection>(() => new EtcdConnection(options.ToEtcdClientOptions(), logger, options.TimeProvider));
    }

    public ConfigCenterOptions Settings { get; }

    public string Prefix { get; }

    public string Environment => Settings.Environment;

    public string App => Settings.App;

    /// <summary>The connection, opened on first use (validation runs first, so bad settings never reach etcd).</summary>
    public EtcdConnection Connection => _connection.Value;

    /// <summary>Why the registry cannot run with these settings; null when it can.</summary>
    public string? Problem()
    {
        if (Settings.Etcd.Endpoints.Count == 0)
        {
            return "ConfigCenter:Etcd:Endpoints is empty: the registry lives in etcd, set at least one endpoint.";
        }
        return ServiceNames.Check(Environment, "ConfigCenter:Environment");
    }


    public ValueTask DisposeAsync() => _connection.IsValueCreated ? _connection.Value.DisposeAsync() : ValueTask.CompletedTask;
}

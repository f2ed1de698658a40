using ConfigCenter.Client.Registry;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>A real Kestrel host on port 0 that registers itself with AddConfigCenterRegistration and answers /who with its instance id.</summary>
internal sealed class RegisteredService : IAsyncDisposable
{
    private RegisteredService(WebApplication app) => App = app;

    public WebApplication App { get; }

    /// <summary>What the app's health check reports; flip it to change the registered health.</summary>
    public HealthStatus Health { get; set; } = HealthStatus.Healthy;

    public ServiceRegistration Registration => App.Services.GetRequiredService<ServiceRegistration>();

    /// <summary>What the application injects to change its own registration.</summary>
    public IServiceRegistration Own => App.Services.GetRequiredService<IServiceRegistration>();

    public string InstanceId => Registration.Entry?.InstanceId ?? throw new InvalidOperationException("Not registered yet.");

    /// <summary>The port Kestrel actually bound.</summary>
    public int Port => new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public static WebApplication Build(RegistrySettings settings, Action<ServiceRegistrationOptions>? configure = null,
        Action<WebApplicationBuilder>? builder = null, CapturingLoggerProvider? logs = null)
    {
        var b = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = EmptyContentRoot.Path });
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Logging.ClearProviders();
        if (logs is not null) b.Logging.AddProvider(logs);
        b.Configuration.AddInMemoryCollection(settings.Configuration);
        builder?.Invoke(b);
        b.Services.AddConfigCenterRegistration(configure);
        return b.Build();
    }

    public static async Task<RegisteredService> StartAsync(RegistrySettings settings, Action<ServiceRegistrationOptions>? configure = null,
        Action<WebApplicationBuilder>? builder = null, CapturingLoggerProvider? logs = null)
    {
        RegisteredService? service = null;
        var app = Build(settings, o =>
        {
            o.HealthCheckInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        }, b =>
        {
            builder?.Invoke(b);
            b.Services.AddHealthChecks().AddCheck("switch", () => new HealthCheckResult(service!.Health));
        }, logs);
        service = new RegisteredService(app);
        app.MapGet("/who", () => service.InstanceId);
        await app.StartAsync();
        return service;
    }

    public Task StopAsync() => App.StopAsync();

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>The ConfigCenter settings of one test: etcd endpoints, a prefix of its own, an environment and app.</summary>
internal sealed record RegistrySettings(IReadOnlyList<string> Endpoints, string Prefix, string Environment = "dev", string? App = "user")
{
    public Dictionary<string, string?> Configuration
    {
        get
        {
            var values = new Dictionary<string, string?>
            {
                ["ConfigCenter:Environment"] = Environment,
                ["ConfigCenter:App"] = App,
                ["ConfigCenter:Etcd:Prefix"] = Prefix,
                ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
                ["ConfigCenter:MaxRetryDelay"] = "00:00:01",
            };
            for (var i = 0; i < Endpoints.Count; i++) values[$"ConfigCenter:Etcd:Endpoints:{i}"] = Endpoints[i];
            return values;
        }
    }

    /// <summary>Another process's view: its own container, connection and watch.</summary>
    public ServiceProvider Discovery(double protectionThreshold = 0, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Configuration).Build());
        services.AddConfigCenterDiscovery(o => o.ProtectionThreshold = protectionThreshold);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Every instance another client's cache holds for <paramref name="service"/>, healthy or not.</summary>
    public static IReadOnlyList<RegistryEntry> All(ServiceProvider discovery, string service) =>
        discovery.GetRequiredService<ServiceRegistry>().Cache.GetInstances(service);
}

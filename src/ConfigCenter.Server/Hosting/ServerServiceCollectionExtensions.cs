using ConfigCenter.Core;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Drafts;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Features.Shell;
using ConfigCenter.Server.Features.Status;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConfigCenter.Server.Hosting;

/// <summary>Registers everything the server needs; Program.cs stays short.</summary>
internal static class ServerServiceCollectionExtensions
{
    public static WebApplicationBuilder AddConfigCenterServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConfigCenterServerOptions>().BindConfiguration(ConfigCenterServerOptions.Section)
            .Validate(o => o.Etcd.Endpoints.All(e => Uri.TryCreate(e, UriKind.Absolute, out _)), "ConfigCenter:Etcd:Endpoints must be absolute URLs like http://127.0.0.1:2379.")
            .Validate(o => ProxySetup.Validate(o.Proxy) is null, "ConfigCenter:Proxy: KnownProxies must be IP addresses, KnownNetworks CIDR networks like 10.0.0.0/24, ForwardLimit at least 1.")
            .Validate(o => o.Store.IsSqlite || o.Store.IsPostgres, "ConfigCenter:Store:Provider must be sqlite or postgres.")
            .Validate(o => !o.Store.IsPostgres || !string.IsNullOrWhiteSpace(o.Store.ConnectionString),
                "ConfigCenter:Store:Provider is postgres but ConfigCenter:Store:ConnectionString is empty.")
            .Validate(o => !o.Store.IsPostgres || !o.Standalone,
                "ConfigCenter:Store:Provider=postgres runs several server replicas, which meet in etcd (releases, relay leadership, live updates): set ConfigCenter:Etcd:Endpoints, or use Provider=sqlite for a standalone server.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddConfigCenterStore();

        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<ReleaseCache>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DeliveryStatus>();
        services.AddSingleton<ReplicaIdentity>();
        services.AddSingleton<DraftNotifier>();
        services.AddSingleton(sp => new EtcdConnection(
            EtcdClientOptionsFrom(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConfigCenterServerOptions>>().Value.Etcd),
            sp.GetRequiredService<ILogger<EtcdConnection>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<EtcdCredentialsCheck>();
        services.AddSingleton<EtcdReleaseWriter>();
        services.AddSingleton<OutboxReconciler>();
        services.AddSingleton<ParkedReleases>();
        services.AddSingleton<AppService>();
        services.AddSingleton<Features.Secrets.SecretKeyRing>();
        services.AddSingleton<DraftService>();
        services.AddSingleton(sp => new Features.Gateway.RoutesPublishCheck(
            sp.GetRequiredService<Features.Registry.RegistryView>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConfigCenterServerOptions>>(),
            sp.GetRequiredService<ILogger<Features.Gateway.RoutesPublishCheck>>()));
        services.AddSingleton<ReleaseService>();
        services.AddSingleton<ReleaseReader>();
        services.AddSingleton<Features.Reviews.ReleaseRequestService>();
        services.AddSingleton<Features.Instances.InstanceTracker>();
        services.AddSingleton<Features.Registry.RegistryView>();
        services.AddSingleton<Features.Instances.InstanceDirectory>();
        services.AddSingleton<Features.Instances.HubPresenceWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Instances.HubPresenceWriter>());
        services.AddSingleton<Features.Registry.RegistryAdmin>();
        services.AddSingleton<Features.Gateway.GatewayRoutesView>();
        services.AddSingleton<Features.Audit.AuditWriter>();
        services.AddSingleton<Features.Audit.AuditReader>();
        services.AddSingleton<Features.Audit.AuditVerifier>();
        services.AddConfigCenterAuth();
        services.AddConfigCenterApiKeys();
        services.AddConfigCenterHealth();
        Features.Telemetry.TelemetryExtensions.AddConfigCenterTelemetry(services, builder.Configuration);
        Features.ConfigHub.ConfigHubExtensions.AddConfigHub(services);
        services.AddConfigCenterUi();

        // Order matters: the store is ready (DatabaseInitializer, registered by AddConfigCenterStore) before the relay and the watcher start.
        services.AddSingleton<ReplicaSignals>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaSignals>());
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<ReleaseWatcher>();

        // Kestrel answers 413 past this; the default (30 MB) would let one request buffer far more than any valid document.
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = FieldLimits.MaxRequestBodyBytes);
        services.AddAntiforgery();
        services.AddConfigCenterProxy();
        // Every cookie (sign-in, antiforgery) is HttpOnly and at least SameSite=Lax; Secure on HTTPS requests, and always outside Development.
        var development = builder.Environment.IsDevelopment();
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always;
            o.Secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>The etcd layer's options for the server's settings (the server starts on the first endpoint, not a random one).</summary>
    internal static EtcdClientOptions EtcdClientOptionsFrom(ConfigCenterServerOptions.EtcdSettings etcd) => new()
    {
        Endpoints = [.. etcd.Endpoints],
        StartAtRandomEndpoint = false,
        Username = etcd.Username,
        Password = etcd.Password,
        TrustedCaFile = etcd.Tls.CaFile,
        ClientCertificateFile = etcd.Tls.CertFile,
        ClientKeyFile = etcd.Tls.KeyFile,
        RequestTimeout = etcd.RequestTimeout,
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    };
}

using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ConfigCenter.Server.Features.Telemetry;

/// <summary>Registers the server's meter and spans with OpenTelemetry, and maps the opt-in Prometheus endpoint.</summary>
internal static class TelemetryExtensions
{
    // ASP.NET Core's own meters: request rate and duration, Kestrel connections, SignalR (hub) connections.
    private static readonly string[] FrameworkMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections"];

    public static IServiceCollection AddConfigCenterTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.Validate() is null, "ConfigCenter:Telemetry is invalid")
            .ValidateOnStart();
        services.AddSingleton(sp => new ServerMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ConfigCenterDbContext>>(),
            sp.GetRequiredService<Delivery.ReleaseCache>(), sp.GetRequiredService<Registry.RegistryView>(),
            sp.GetRequiredService<Instances.InstanceTracker>(), sp.GetRequiredService<TimeProvider>()));
        // Read here because the exporters are chosen while the container is built; the same values bind the options above.
        var settings = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (settings.Validate() is { } error) throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions), [error]);
        var otlp = string.IsNullOrEmpty(settings.OtlpEndpoint) ? null : new Uri(settings.OtlpEndpoint);
        if (!settings.Prometheus && otlp is null) return services;

        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("configcenter-server"));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(ServerMetrics.MeterName).AddMeter(FrameworkMeters);
            // Meters made by this host's IMeterFactory only: OpenTelemetry matches meters by name process-wide, so a second
            // host in the process (tests, benchmarks) would otherwise feed the same streams and, when it stops, remove them.
            ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
            {
                var own = sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
                builder.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own)
                    ? null : MetricStreamConfiguration.Drop);
            });
            if (settings.Prometheus) metrics.AddPrometheusExporter();
            if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
        });
        if (otlp is not null) telemetry.WithTracing(tracing => tracing.AddSource(ServerTracing.SourceName).AddOtlpExporter(o => o.Endpoint = otlp));
        return services;
    }

    /// <summary>Maps the scrape endpoint first in the pipeline (before sign-in and its deny-by-default policy), guarded.</summary>
    public static WebApplication UseConfigCenterScrapeEndpoint(this WebApplication app)
    {
        // Created now so the observable gauges exist before the first scrape.
        app.Services.GetRequiredService<ServerMetrics>();
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Prometheus) return app;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path.Equals(options.Path, StringComparison.OrdinalIgnoreCase),
            path: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => ScrapeEndpointGuard.InvokeAsync(context, options, next)),
            optionsName: null);
        return app;
    }
}

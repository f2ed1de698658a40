using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ConfigCenter.Gateway;

/// <summary>Exports the gateway's meters (its own, the client package's, ASP.NET Core's) to Prometheus and/or OTLP when configured.</summary>
public static class GatewayTelemetry
{
    private static readonly string[] Meters =
        [GatewayMetrics.MeterName, "ConfigCenter.Client", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayTelemetryOptions>().BindConfiguration(GatewayTelemetryOptions.SectionName)
            .Validate(o => o.Validate() is null, "ConfigCenter:Telemetry is invalid")
            .ValidateOnStart();
        var settings = configuration.GetSection(GatewayTelemetryOptions.SectionName).Get<GatewayTelemetryOptions>() ?? new GatewayTelemetryOptions();
        if (settings.Validate() is { } error) throw new OptionsValidationException(GatewayTelemetryOptions.SectionName, typeof(GatewayTelemetryOptions), [error]);
        var otlp = string.IsNullOrEmpty(settings.OtlpEndpoint) ? null : new Uri(settings.OtlpEndpoint);
        if (!settings.Prometheus && otlp is null) return services;
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("configcenter-gateway")).WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters);
            if (settings.Prometheus) metrics.AddPrometheusExporter();
            if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
        });
        return services;
    }

    /// <summary>The guarded scrape endpoint, first in the pipeline; true when it took <c>/metrics</c> (Prometheus on at that path).</summary>
    public static bool UseGatewayScrapeEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayTelemetryOptions>>().Value;
        if (!options.Prometheus) return false;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path.Equals(options.Path, StringComparison.OrdinalIgnoreCase),
            path: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => GuardAsync(context, options, next)),
            optionsName: null);
        return options.Path.Equals("/metrics", StringComparison.OrdinalIgnoreCase);
    }

    // Anyone on the management port, anyone with the key elsewhere; without a key the endpoint does not exist on other ports.
    private static async Task GuardAsync(HttpContext context, GatewayTelemetryOptions options, Func<Task> next)
    {
        if (options.ManagementPort is { } port && context.Connection.LocalPort == port)
        {
            await next();
            return;
        }
        if (string.IsNullOrEmpty(options.ScrapeKey))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(options.ScrapeKey))))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return;
        }
        await next();
    }
}

using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// In Production the server must not speak plain HTTP to browsers: it listens on an https:// URL itself, or a TLS-terminating
/// proxy is configured (ConfigCenter:Proxy). Checked when the app is built, before anything listens.
/// </summary>
internal static class TransportCheck
{
    public static void EnsureSecureTransport(IConfiguration configuration, IHostEnvironment environment, ConfigCenterServerOptions options)
    {
        if (!environment.IsProduction() || options.Proxy.IsConfigured || ListensOnHttps(configuration)) return;
        throw new InvalidOperationException(
            "ConfigCenter refuses to start in Production without HTTPS: listen on an https:// URL (ASPNETCORE_URLS, --urls, ASPNETCORE_HTTPS_PORTS or " +
            "Kestrel:Endpoints:<name>:Url) or, behind a TLS-terminating proxy, set ConfigCenter:Proxy:KnownProxies or ConfigCenter:Proxy:KnownNetworks.");
    }

    private static bool ListensOnHttps(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration["https_ports"])) return true;
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Any(IsHttps)) return true;
        return configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => IsHttps(e["Url"] ?? ""));
    }

    private static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}

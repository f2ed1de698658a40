namespace ConfigCenter.Server.Features.Telemetry;

/// <summary>
/// <c>ConfigCenter:Telemetry</c>: the opt-in Prometheus scrape endpoint and an optional OTLP exporter. Metrics and
/// spans exist either way (meter and activity source <c>ConfigCenter.Server</c>); these settings only export them.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "ConfigCenter:Telemetry";

    /// <summary>Serves the metrics in the Prometheus text format at <see cref="Path"/>. Off by default.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The scrape path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// A secret scrapers send as <c>Authorization: Bearer {key}</c> (Prometheus' <c>authorization</c> / <c>bearer_token_file</c>).
    /// Required unless <see cref="ManagementPort"/> is set; at least 16 characters.
    /// </summary>
    public string? ScrapeKey { get; set; }

    /// <summary>
    /// A local port the server also listens on (e.g. <c>--urls "http://+:8080;http://127.0.0.1:9464"</c>) where the scrape
    /// path answers without a key; on every other port it needs <see cref="ScrapeKey"/> or answers 404.
    /// </summary>
    public int? ManagementPort { get; set; }

    /// <summary>An OTLP collector (e.g. <c>http://otel-collector:4317</c>) that receives the spans and metrics; none by default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Validate()
    {
        if (ScrapeKey is { Length: > 0 and < 16 }) return $"{Section}:ScrapeKey must be at least 16 characters.";
        if (ManagementPort is < 1 or > 65535) return $"{Section}:ManagementPort must be a TCP port (1-65535).";
        if (!Path.StartsWith('/')) return $"{Section}:Path must start with '/'.";
        if (OtlpEndpoint is { Length: > 0 } otlp && !Uri.TryCreate(otlp, UriKind.Absolute, out _)) return $"{Section}:OtlpEndpoint must be an absolute URL.";
        if (Prometheus && string.IsNullOrEmpty(ScrapeKey) && ManagementPort is null)
            return $"{Section}:Prometheus needs {Section}:ScrapeKey (scrapers send it as a bearer token) or {Section}:ManagementPort " +
                   "(a port only the scraper reaches, where the endpoint answers without a key); an anonymous endpoint on the public port is refused.";
        return null;
    }
}

namespace ConfigCenter.Gateway;

/// <summary>
/// <c>ConfigCenter:Telemetry</c> on the gateway, the same settings as on the server: the opt-in Prometheus scrape
/// endpoint (guarded by a scrape key or a management port) and an optional OTLP exporter.
/// </summary>
public sealed class GatewayTelemetryOptions
{
    public const string SectionName = "ConfigCenter:Telemetry";

    /// <summary>Serves the metrics in the Prometheus text format at <see cref="Path"/>. Off by default.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The scrape path; the JSON totals per destination stay at <c>/metrics/destinations</c>.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>A secret scrapers send as <c>Authorization: Bearer {key}</c>; at least 16 characters.</summary>
    public string? ScrapeKey { get; set; }

    /// <summary>A local port the gateway also listens on where the scrape path answers without a key.</summary>
    public int? ManagementPort { get; set; }

    /// <summary>An OTLP collector that receives the metrics; none by default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Validate()
    {
        if (ScrapeKey is { Length: > 0 and < 16 }) return $"{SectionName}:ScrapeKey must be at least 16 characters.";
        if (ManagementPort is < 1 or > 65535) return $"{SectionName}:ManagementPort must be a TCP port (1-65535).";
        if (!Path.StartsWith('/')) return $"{SectionName}:Path must start with '/'.";
        if (OtlpEndpoint is { Length: > 0 } otlp && !Uri.TryCreate(otlp, UriKind.Absolute, out _)) return $"{SectionName}:OtlpEndpoint must be an absolute URL.";
        if (Prometheus && string.IsNullOrEmpty(ScrapeKey) && ManagementPort is null)
            return $"{SectionName}:Prometheus needs {SectionName}:ScrapeKey (scrapers send it as a bearer token) or {SectionName}:ManagementPort " +
                   "(a port only the scraper reaches, where the endpoint answers without a key); an anonymous endpoint on the public port is refused.";
        return null;
    }
}

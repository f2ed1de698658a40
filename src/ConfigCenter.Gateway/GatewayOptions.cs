namespace ConfigCenter.Gateway;

/// <summary>The gateway's own settings, section <c>Gateway</c> (its routes come from the config center).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The json namespace of the gateway's app that holds its routes.</summary>
    public string RoutesNamespace { get; set; } = "routes";

    /// <summary>The gateway's zone: destinations with the same registry <c>zone</c> are preferred when there are any.</summary>
    public string? Zone { get; set; }

    /// <summary>How long a destination that failed at the transport level stays out before it is tried again.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Active health probes of every destination (off by default: the registry carries each instance's own health).</summary>
    public ActiveProbeOptions ActiveHealthChecks { get; set; } = new();

    /// <summary>The largest request body, bytes, for routes and namespaces that set none (30 MB like Kestrel).</summary>
    public long MaxRequestBodySize { get; set; } = 30_000_000;

    /// <summary>How long an API key answer of the config center is cached: a revoked key stops working within this bound.</summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Active probes: <c>GET {destination}{Path}</c> every <see cref="Interval"/>.</summary>
public sealed class ActiveProbeOptions
{
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/health";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}

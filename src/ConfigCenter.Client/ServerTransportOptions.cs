namespace ConfigCenter.Client;

/// <summary>The server transport: the SignalR hub <c>/hubs/config</c>, with the HTTP snapshot as fallback.</summary>
public sealed class ServerTransportOptions
{
    /// <summary>The ConfigCenter server base URL, e.g. <c>https://config.example.com</c>; empty disables the transport.</summary>
    public string? Url { get; set; }

    /// <summary>The client API key for this app and environment (sent as <c>X-Api-Key</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often the HTTP snapshot is polled while the hub is unavailable. Default 30 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The deadline of one HTTP request. Default 5 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

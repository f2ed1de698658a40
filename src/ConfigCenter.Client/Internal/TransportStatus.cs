namespace ConfigCenter.Client.Internal;

/// <summary>The live state of one transport, for the health check, metrics and start-up errors.</summary>
internal sealed class TransportStatus(string name)
{
    private volatile bool _connected;
    private volatile string? _lastError;
    private volatile string _endpoint = "";

    public string Name { get; } = name;

    public bool Connected => _connected;

    public string? LastError => _lastError;

    /// <summary>The endpoint currently used (or last tried).</summary>
    public string Endpoint => _endpoint;

    public void Up(string endpoint)
    {
        _endpoint = endpoint;
        _lastError = null;
        _connected = true;
    }

    public void Down(string endpoint, string error)
    {
        _endpoint = endpoint;
        _lastError = $"{endpoint}: {error}";
        _connected = false;
    }

    public override string ToString() => Connected ? $"{Name} connected to {Endpoint}" : $"{Name} down ({LastError ?? "not connected yet"})";
}

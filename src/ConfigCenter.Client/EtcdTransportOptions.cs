namespace ConfigCenter.Client;

/// <summary>The etcd transport: one prefix watch per process on <c>{prefix}/config/{env}/{app}/</c>.</summary>
public sealed class EtcdTransportOptions
{
    /// <summary>etcd client URLs (<c>http://host:2379</c> or <c>https://…</c> for TLS); empty disables the transport.</summary>
    public IList<string> Endpoints { get; set; } = [];

    /// <summary>The key prefix the server publishes under. Default <c>/configcenter</c>.</summary>
    public string Prefix { get; set; } = "/configcenter";

    /// <summary>The etcd user, when etcd authentication is enabled.</summary>
    public string? Username { get; set; }

    /// <summary>The etcd user's password.</summary>
    public string? Password { get; set; }

    /// <summary>A PEM file with the CA that signed the etcd server certificates (TLS endpoints).</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>A PEM client certificate for etcd's client-certificate authentication.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>
    /// How long the watch may go without any response after a progress request before the member is considered
    /// frozen and another endpoint is used. Default 3 s.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the watch asks etcd for a progress notification. Default 1 s.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The deadline of one etcd request (read, authenticate). Default 5 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

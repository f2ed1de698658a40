namespace ConfigCenter.Etcd;

/// <summary>How to reach an etcd cluster: endpoints, credentials, TLS files and timings. Shared by the server and the client.</summary>
public sealed class EtcdClientOptions
{
    /// <summary>etcd client URLs (<c>http://host:2379</c>, or <c>https://…</c> for TLS). Empty means etcd is not used.</summary>
    public IList<string> Endpoints { get; set; } = [];

    /// <summary>
    /// Start on a random endpoint instead of the first, so a fleet of clients spreads its watches over the cluster.
    /// Default true.
    /// </summary>
    public bool StartAtRandomEndpoint { get; set; } = true;

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

    /// <summary>The deadline of one unary etcd request (read, write, authenticate, lease keep-alive answer). Default 5 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a watch may go without any response after a progress request before its member is considered
    /// frozen and another endpoint is used; also the HTTP/2 keep-alive ping timeout. Default 3 s.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a watch asks etcd for a progress notification. Default 1 s.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts after a failure (jittered exponential backoff). Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}

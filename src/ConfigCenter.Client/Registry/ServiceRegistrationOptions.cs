namespace ConfigCenter.Client;

/// <summary>
/// How this process registers itself in the ConfigCenter registry, bound from <c>ConfigCenter:Registration</c> and/or
/// set in code. etcd endpoints, prefix and environment come from the <c>ConfigCenter</c> section, as for the
/// configuration provider.
/// </summary>
public sealed class ServiceRegistrationOptions
{
    /// <summary>The configuration section the options bind from: <c>ConfigCenter:Registration</c>.</summary>
    public const string SectionName = "ConfigCenter:Registration";

    /// <summary>
    /// The service name others discover this instance by. Default: <c>ConfigCenter:App</c>. Lowercase letters, digits
    /// and '-', 1 to 63 characters, starting with a letter or digit.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>The instance id, stable for the process. Default: service name, host name, process id and a random suffix.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// The address others reach this instance at. Default: the host Kestrel listens on (a non-loopback IPv4 address of
    /// this machine when it listens on every interface). Set it behind NAT or in a container.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>The port others reach this instance at (1 to 65535). Default: the port Kestrel actually listens on, port 0 included.</summary>
    public int? Port { get; set; }

    /// <summary>The scheme, <c>http</c> or <c>https</c>. Default: the scheme of the listening address registered.</summary>
    public string? Scheme { get; set; }

    /// <summary>The lease time to live: a crashed instance disappears this long after its last keep-alive. Default 15 s, at least 2 s.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the application's health checks are run to update the registered health. Default 5 s.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The version, registered as metadata <c>version</c>. Default: the entry assembly's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>The zone or data centre, registered as metadata <c>zone</c>.</summary>
    public string? Zone { get; set; }

    /// <summary>
    /// The load-balancing weight, registered as metadata <c>weight</c>; 0 takes the instance out of discovery without
    /// deregistering it. Default 100. A change of this option at run time (e.g. published through ConfigCenter) is
    /// registered at once; so is <see cref="IServiceRegistration.SetWeightAsync"/>.
    /// </summary>
    public int Weight { get; set; } = 100;

    /// <summary>
    /// When true the instance stays registered but discovery stops returning it (metadata <c>draining</c>). A change of
    /// this option at run time is registered at once; so is <see cref="IServiceRegistration.SetDrainingAsync"/>.
    /// </summary>
    public bool Draining { get; set; }

    /// <summary>
    /// When true, start-up fails with an explanation unless the instance is registered within
    /// <see cref="StartupTimeout"/>; when false (default) the host starts and registration keeps retrying in the background.
    /// </summary>
    public bool Required { get; set; }

    /// <summary>How long a <see cref="Required"/> registration may take at start-up. Default 5 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The protection threshold (0 to 1) registered with the entry, so the server can show when discovery of this service
    /// returns every instance. Default: <c>ConfigCenter:Discovery:ProtectionThreshold</c> (what discovery uses), else 0.
    /// </summary>
    public double? ProtectionThreshold { get; set; }

    /// <summary>Free-form metadata, e.g. tags. The well-known keys above win over the same keys here.</summary>
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

namespace ConfigCenter.Server.Infrastructure;

/// <summary>The server's settings, bound from the <c>ConfigCenter</c> section (DESIGN.md §4.6).</summary>
public sealed class ConfigCenterServerOptions
{
    public const string Section = "ConfigCenter";

    /// <summary>Where the SQLite file and data-protection keys live (SQLite only; PostgreSQL replicas need no directory).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Which database holds the admin plane's state (docs/scale-out.md).</summary>
    public StoreSettings Store { get; set; } = new();

    public EtcdSettings Etcd { get; set; } = new();

    public BootstrapSettings Bootstrap { get; set; } = new();

    /// <summary>How long a bearer token from <c>/api/v1/auth/token</c> is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The reverse proxies (TLS terminators) whose X-Forwarded-For/Proto/Host headers are believed.</summary>
    public ProxySettings Proxy { get; set; } = new();

    public bool Standalone => Etcd.Endpoints.Length == 0;

    /// <summary>Gateway routes: which namespace holds them, so a publish the gateway would reject is refused.</summary>
    public GatewaySettings Gateway { get; set; } = new();

    public sealed class StoreSettings
    {
        public const string Sqlite = "sqlite";
        public const string Postgres = "postgres";

        /// <summary><c>sqlite</c> (one server, the file in <see cref="DataDirectory"/>) or <c>postgres</c> (any number of replicas).</summary>
        public string Provider { get; set; } = Sqlite;

        /// <summary>The Npgsql connection string for <c>postgres</c>, e.g. <c>Host=db;Database=configcenter;Username=cc;Password=…</c>.</summary>
        public string? ConnectionString { get; set; }

        public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

        public bool IsSqlite => string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);
    }

    public sealed class GatewaySettings
    {
        /// <summary>A json namespace of this name (in any app) holds gateway routes and is validated at publish.</summary>
        public string RoutesNamespace { get; set; } = "routes";
    }

    public sealed class ProxySettings
    {
        /// <summary>IP addresses of trusted proxies, e.g. <c>10.0.0.5</c>. Forwarded headers from any other peer are ignored.</summary>
        public string[] KnownProxies { get; set; } = [];

        /// <summary>Trusted proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
        public string[] KnownNetworks { get; set; } = [];

        /// <summary>How many proxies in front of the server to walk back through X-Forwarded-For.</summary>
        public int ForwardLimit { get; set; } = 1;

        public bool IsConfigured => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
    }

    public sealed class EtcdSettings
    {
        /// <summary>etcd client URLs; empty means standalone mode.</summary>
        public string[] Endpoints { get; set; } = [];
        public string Prefix { get; set; } = "/configcenter";
        public string? Username { get; set; }
        public string? Password { get; set; }
        /// <summary>TLS to etcd: the CA of its server certificates and a client certificate (PEM files).</summary>
        public EtcdTlsSettings Tls { get; set; } = new();
        /// <summary>Per-call deadline for etcd requests.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
    }

    public sealed class EtcdTlsSettings
    {
        /// <summary>PEM file with the CA that signed etcd's server certificates.</summary>
        public string? CaFile { get; set; }
        /// <summary>PEM client certificate, for etcd's --client-cert-auth.</summary>
        public string? CertFile { get; set; }
        /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
        public string? KeyFile { get; set; }
    }

    public sealed class BootstrapSettings
    {
        /// <summary>The first admin's password; generated and printed once when empty.</summary>
        public string? AdminPassword { get; set; }
    }
}

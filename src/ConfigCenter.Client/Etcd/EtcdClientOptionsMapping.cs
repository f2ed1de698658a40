using ConfigCenter.Etcd;

namespace ConfigCenter.Client.Etcd;

/// <summary>The etcd settings of a ConfigCenter section as the etcd layer takes them; the config watch and the registry share them.</summary>
internal static class EtcdClientOptionsMapping
{
    public static EtcdClientOptions ToEtcdClientOptions(this ConfigCenterOptions options) => new()
    {
        Endpoints = [.. options.Etcd.Endpoints],
        // A fleet spreads its watches and leases over the cluster.
        StartAtRandomEndpoint = true,
        Username = options.Etcd.Username,
        Password = options.Etcd.Password,
        TrustedCaFile = options.Etcd.TrustedCaFile,
        ClientCertificateFile = options.Etcd.ClientCertificateFile,
        ClientKeyFile = options.Etcd.ClientKeyFile,
        RequestTimeout = options.Etcd.RequestTimeout,
        KeepAliveTimeout = options.Etcd.KeepAliveTimeout,
        ProgressInterval = options.Etcd.ProgressInterval,
        MaxRetryDelay = options.MaxRetryDelay,
    };
}

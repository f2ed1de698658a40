using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace ConfigCenter.Etcd;

/// <summary>Creates the gRPC channel of one etcd endpoint: HTTP/2 keep-alive pings, TLS with a private CA and a client certificate.</summary>
internal static class EtcdChannelFactory
{
    // Ranges of a whole prefix can be large; etcd itself allows responses far above gRPC's 4 MiB default.
    private const int MaxReceiveMessageSize = 64 * 1024 * 1024;

    public static GrpcChannel Create(string endpoint, EtcdClientOptions options) =>
        GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxReceiveMessageSize,
            HttpHandler = CreateHandler(options),
            DisposeHttpClient = true,
        });

    private static SocketsHttpHandler CreateHandler(EtcdClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Several HTTP/2 connections, so one busy watch stream never queues behind another's flow control.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = options.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        if (!string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            // The handler presents the certificate for the channel's whole lifetime; it goes with the process.
#pragma warning disable CA2000
            var certificate = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
#pragma warning restore CA2000
            handler.SslOptions.ClientCertificates = [certificate];
        }
        if (!string.IsNullOrEmpty(options.TrustedCaFile))
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(options.TrustedCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(ca, certificate, errors);
        }
        return handler;
    }

    /// <summary>Accepts a server certificate that chains to <paramref name="ca"/> (etcd clusters usually have their own CA).</summary>
    private static bool IsTrusted(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}

using System.Security.Cryptography.X509Certificates;
using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;

namespace ConfigCenter.Client.Etcd;

/// <summary>
/// One gRPC channel per etcd endpoint, a "current" endpoint that moves on when one fails, and the auth token
/// (re-authenticated when etcd says it expired).
/// </summary>
internal sealed class EtcdChannels : IDisposable
{
    private readonly EtcdTransportOptions _options;
    private readonly string[] _endpoints;
    private readonly GrpcChannel[] _channels;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private int _current;
    private string? _token;

    public EtcdChannels(EtcdTransportOptions options)
    {
        _options = options;
        _endpoints = [.. options.Endpoints];
        // Start on a random member so a fleet spreads its watches over the cluster.
        _current = _endpoints.Length == 0 ? 0 : Random.Shared.Next(_endpoints.Length);
        _channels = [.. _endpoints.Select(e => GrpcChannel.ForAddress(e, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = CreateHandler(options),
            DisposeHttpClient = true,
        }))];
    }

    public IReadOnlyList<string> Endpoints => _endpoints;

    public (CallInvoker Invoker, string Endpoint) Current
    {
        get
        {
            var index = Volatile.Read(ref _current) % _channels.Length;
            return (_channels[index].CreateCallInvoker(), _endpoints[index]);
        }
    }

    /// <summary>Moves to the endpoint after <paramref name="endpoint"/> (no-op when someone already moved on).</summary>
    public void MarkFailed(string endpoint)
    {
        var index = Array.IndexOf(_endpoints, endpoint);
        if (index >= 0) Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);
    }

    public void InvalidateToken() => _token = null;

    /// <summary>Request headers: the auth token when a user is configured, and "hasleader" so an isolated member refuses.</summary>
    public async Task<Metadata> HeadersAsync(CallInvoker invoker, CancellationToken ct)
    {
        // etcd fails a call carrying hasleader=true when the member has lost its leader, instead of serving stale data.
        var headers = new Metadata { { "hasleader", "true" } };
        if (string.IsNullOrEmpty(_options.Username)) return headers;
        var token = _token;
        if (token is null)
        {
            await _authLock.WaitAsync(ct);
            try
            {
                token = _token ??= (await new Auth.AuthClient(invoker).AuthenticateAsync(
                    new AuthenticateRequest { Name = _options.Username, Password = _options.Password ?? "" },
                    deadline: DateTime.UtcNow + _options.RequestTimeout, cancellationToken: ct)).Token;
            }
            finally
            {
                _authLock.Release();
            }
        }
        headers.Add("token", token);
        return headers;
    }

    public static bool IsAuthExpired(RpcException e) =>
        e.StatusCode == StatusCode.Unauthenticated || e.Status.Detail.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The error for a watch etcd cancelled. An expired token surfaces this way on a watch (not as a failed call),
    /// so it becomes Unauthenticated and the caller authenticates again instead of retrying with the same token.
    /// </summary>
    public static RpcException WatchCancelled(string reason) =>
        new(new Status(reason.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase) || reason.Contains("Unauthenticated", StringComparison.Ordinal)
            ? StatusCode.Unauthenticated : StatusCode.Aborted, $"etcd cancelled the watch: {reason}"));

    private static SocketsHttpHandler CreateHandler(EtcdTransportOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = options.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        if (!string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            // The handler keeps the certificate for the channel's lifetime.
#pragma warning disable CA2000
            var certificate = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
#pragma warning restore CA2000
            handler.SslOptions.ClientCertificates = [certificate];
        }
        if (!string.IsNullOrEmpty(options.TrustedCaFile))
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(options.TrustedCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None) return true;
                if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return handler;
    }

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
        _authLock.Dispose();
    }
}

using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Infrastructure.Etcd;

/// <summary>
/// The server's gRPC channels to etcd: one per endpoint, calls go to the current one and move to the next
/// when it is unreachable; with a username configured every call carries an auth token that is renewed
/// when etcd says it expired.
/// </summary>
public sealed class EtcdConnection : IAsyncDisposable
{
    private readonly ConfigCenterServerOptions.EtcdSettings _settings;
    private readonly ILogger<EtcdConnection> _logger;
    private readonly GrpcChannel[] _channels;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private int _current;
    private string? _token;

    public EtcdConnection(IOptions<ConfigCenterServerOptions> options, ILogger<EtcdConnection> logger)
    {
        _settings = options.Value.Etcd;
        _logger = logger;
        _channels = [.. _settings.Endpoints.Select(e => GrpcChannel.ForAddress(e, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                ConnectTimeout = TimeSpan.FromSeconds(2),
            },
        }))];
    }

    public bool Enabled => _channels.Length > 0;

    public IReadOnlyList<string> Endpoints => _settings.Endpoints;

    public string CurrentEndpoint => _settings.Endpoints.Length == 0 ? "" : _settings.Endpoints[_current % _channels.Length];

    public TimeSpan RequestTimeout => _settings.RequestTimeout;

    /// <summary>Runs one unary call, trying every endpoint once before giving up.</summary>
    public async Task<T> CallAsync<T>(Func<CallInvoker, CallOptions, Task<T>> call, CancellationToken ct)
    {
        if (!Enabled) throw new InvalidOperationException("etcd is not configured (standalone mode).");
        RpcException? last = null;
        for (var attempt = 0; attempt < _channels.Length + 1; attempt++)
        {
            var index = Volatile.Read(ref _current);
            var invoker = _channels[index % _channels.Length].CreateCallInvoker();
            try
            {
                var headers = await HeadersAsync(invoker, ct);
                return await call(invoker, new CallOptions(headers, DateTime.UtcNow + _settings.RequestTimeout, ct));
            }
            catch (RpcException e) when (IsAuthExpired(e))
            {
                last = e;
                _token = null;
            }
            catch (RpcException e) when (IsUnreachable(e) && !ct.IsCancellationRequested)
            {
                last = e;
                _logger.LogWarning("etcd endpoint {Endpoint} failed ({Status}); trying the next one", _settings.Endpoints[index % _channels.Length], e.StatusCode);
                Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);
            }
        }
        throw last!;
    }

    /// <summary>Headers for a streaming call (watch) on the current endpoint.</summary>
    public async Task<(CallInvoker Invoker, Metadata? Headers, string Endpoint)> OpenStreamAsync(CancellationToken ct)
    {
        if (!Enabled) throw new InvalidOperationException("etcd is not configured (standalone mode).");
        var index = Volatile.Read(ref _current) % _channels.Length;
        var invoker = _channels[index].CreateCallInvoker();
        return (invoker, await HeadersAsync(invoker, ct), _settings.Endpoints[index]);
    }

    /// <summary>Moves streaming calls to the next endpoint after <paramref name="endpoint"/> failed.</summary>
    public void MarkFailed(string endpoint)
    {
        var index = Array.IndexOf(_settings.Endpoints, endpoint);
        if (index >= 0) Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);
    }

    public void InvalidateToken() => _token = null;

    private async Task<Metadata?> HeadersAsync(CallInvoker invoker, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(_settings.Username)) return null;
        var token = _token;
        if (token is null)
        {
            await _authLock.WaitAsync(ct);
            try
            {
                token = _token ??= (await new Auth.AuthClient(invoker).AuthenticateAsync(
                    new AuthenticateRequest { Name = _settings.Username, Password = _settings.Password ?? "" },
                    deadline: DateTime.UtcNow + _settings.RequestTimeout, cancellationToken: ct)).Token;
            }
            finally
            {
                _authLock.Release();
            }
        }
        return new Metadata { { "token", token } };
    }

    internal static bool IsUnreachable(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown;

    internal static bool IsAuthExpired(RpcException e) =>
        e.StatusCode == StatusCode.Unauthenticated || e.Status.Detail.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The error for a watch etcd cancelled. An expired token surfaces this way on a watch (not as a failed call),
    /// so it becomes Unauthenticated and the watcher authenticates again instead of retrying with the same token.
    /// </summary>
    internal static RpcException WatchCancelled(string reason) =>
        new(new Status(reason.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase) || reason.Contains("Unauthenticated", StringComparison.Ordinal)
            ? StatusCode.Unauthenticated : StatusCode.Aborted, $"etcd cancelled the watch: {reason}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels) await channel.ShutdownAsync();
        foreach (var channel in _channels) channel.Dispose();
        _authLock.Dispose();
    }
}

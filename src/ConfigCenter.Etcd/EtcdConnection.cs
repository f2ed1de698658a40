using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Etcd;

/// <summary>
/// The connection to one etcd cluster: a gRPC channel per endpoint and a current endpoint that moves on when a member
/// fails; every request carries <c>hasleader</c> and, with a user configured, an auth token that is renewed when etcd
/// refuses it. Watches (<see cref="EtcdPrefixWatch"/>) and leases (<see cref="EtcdLeaseKeeper"/>) run on it.
/// </summary>
public sealed class EtcdConnection : IAsyncDisposable, IDisposable
{
    private readonly string[] _endpoints;
    private readonly GrpcChannel[] _channels;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private readonly ILogger _logger;
    private int _current;
    private string? _token;
    private EtcdLeaseKeepAlives? _keepAlives;
    private int _disposed;

    /// <summary>Creates the channels (no I/O happens until the first call).</summary>
    /// <param name="options">Endpoints, credentials, TLS files and timings; read once.</param>
    /// <param name="logger">Where failovers and re-authentications are logged.</param>
    /// <param name="timeProvider">The clock for waits (retries, keep-alives, frozen-member detection).</param>
    public EtcdConnection(EtcdClientOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _endpoints = [.. options.Endpoints];
        _current = options.StartAtRandomEndpoint && _endpoints.Length > 1 ? Random.Shared.Next(_endpoints.Length) : 0;
        _channels = [.. _endpoints.Select(e => EtcdChannelFactory.Create(e, options))];
    }

    /// <summary>The options this connection was created with.</summary>
    public EtcdClientOptions Options { get; }

    /// <summary>The clock used for waits.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>False when no endpoint is configured (then every call throws <see cref="InvalidOperationException"/>).</summary>
    public bool Enabled => _channels.Length > 0;

    /// <summary>The configured endpoints, in order.</summary>
    public IReadOnlyList<string> Endpoints => _endpoints;

    /// <summary>The endpoint new calls and streams go to.</summary>
    public string CurrentEndpoint => _endpoints.Length == 0 ? "" : _endpoints[Volatile.Read(ref _current) % _endpoints.Length];

    internal ILogger Logger => _logger;

    /// <summary>The one keep-alive stream every <see cref="EtcdLeaseKeeper"/> on this connection shares (created on first use).</summary>
    internal EtcdLeaseKeepAlives KeepAlives
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return LazyInitializer.EnsureInitialized(ref _keepAlives, () => new EtcdLeaseKeepAlives(this, _logger));
        }
    }

    /// <summary>
    /// Runs one unary call with headers (<c>hasleader</c>, token) and the <see cref="EtcdClientOptions.RequestTimeout"/>
    /// deadline in <see cref="CallOptions"/>. An unreachable member moves the call to the next endpoint (each endpoint is
    /// tried once); a refused token is renewed and the call repeated. Other errors are thrown as they are.
    /// </summary>
    /// <example><c>await etcd.CallAsync((invoker, o) =&gt; new KV.KVClient(invoker).RangeAsync(request, o).ResponseAsync, ct)</c></example>
    public async Task<T> CallAsync<T>(Func<CallInvoker, CallOptions, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ThrowIfDisabled();
        RpcException? last = null;
        for (var attempt = 0; attempt < _channels.Length + 1; attempt++)
        {
            var target = await OpenAsync(ct).ConfigureAwait(false);
            try
            {
                return await call(target.Invoker, new CallOptions(target.Headers, DateTime.UtcNow + Options.RequestTimeout, ct)).ConfigureAwait(false);
            }
            catch (RpcException e) when (!ct.IsCancellationRequested && (EtcdErrors.IsAuthExpired(e) || EtcdErrors.IsUnreachable(e)))
            {
                last = e;
                Failed(target, e);
            }
        }
        throw last!;
    }

    /// <summary>The current endpoint's invoker and request headers, authenticating first when needed.</summary>
    internal async Task<EtcdTarget> OpenAsync(CancellationToken ct)
    {
        ThrowIfDisabled();
        var index = Volatile.Read(ref _current) % _channels.Length;
        var invoker = _channels[index].CreateCallInvoker();
        var endpoint = _endpoints[index];
        // etcd fails a request carrying hasleader=true when the member lost its leader, instead of serving stale data.
        var headers = new Metadata { { "hasleader", "true" } };
        if (string.IsNullOrEmpty(Options.Username)) return new EtcdTarget(invoker, headers, endpoint, null);
        string? token;
        try
        {
            token = await TokenAsync(invoker, ct).ConfigureAwait(false);
        }
        catch (RpcException e) when (EtcdErrors.IsUnreachable(e) && !ct.IsCancellationRequested)
        {
            MarkFailed(endpoint);
            throw;
        }
        headers.Add("token", token);
        return new EtcdTarget(invoker, headers, endpoint, token);
    }

    /// <summary>Reacts to a failed call or stream on <paramref name="target"/>: renew the token, or move to the next endpoint.</summary>
    internal void Failed(EtcdTarget target, Exception error)
    {
        if (error is RpcException rpc && EtcdErrors.IsAuthExpired(rpc))
        {
            // Only the token that was refused is dropped: a concurrent caller may already hold a fresh one.
            if (target.Token is not null && Interlocked.CompareExchange(ref _token, null, target.Token) == target.Token)
            {
                _logger.LogInformation("etcd refused the auth token on {Endpoint} ({Error}); authenticating again", target.Endpoint, EtcdErrors.Describe(error));
            }
            return;
        }
        MarkFailed(target.Endpoint);
    }

    /// <summary>Moves to the endpoint after <paramref name="endpoint"/> (no-op when someone already moved on).</summary>
    internal void MarkFailed(string endpoint)
    {
        var index = Array.IndexOf(_endpoints, endpoint);
        if (index < 0) return;
        var next = (index + 1) % _endpoints.Length;
        if (Interlocked.CompareExchange(ref _current, next, index) == index && _endpoints.Length > 1)
        {
            _logger.LogWarning("etcd endpoint {Endpoint} failed; using {Next} from now on", endpoint, _endpoints[next]);
        }
    }

    private async Task<string> TokenAsync(CallInvoker invoker, CancellationToken ct)
    {
        var token = Volatile.Read(ref _token);
        if (token is not null) return token;
        await _authLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            token = Volatile.Read(ref _token);
            if (token is not null) return token;
            var response = await new Auth.AuthClient(invoker).AuthenticateAsync(
                new AuthenticateRequest { Name = Options.Username, Password = Options.Password ?? "" },
                new Metadata { { "hasleader", "true" } }, DateTime.UtcNow + Options.RequestTimeout, ct).ConfigureAwait(false);
            Volatile.Write(ref _token, response.Token);
            return response.Token;
        }
        finally
        {
            _authLock.Release();
        }
    }

    private static void Validate(EtcdClientOptions options)
    {
        foreach (var endpoint in options.Endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"etcd endpoint '{endpoint}' is not an http:// or https:// URL like http://127.0.0.1:2379.", nameof(options));
            }
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, "options.RequestTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxRetryDelay, TimeSpan.Zero, "options.MaxRetryDelay");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ProgressInterval, TimeSpan.Zero, "options.ProgressInterval");
        // Frozen-member detection needs at least one progress answer per KeepAliveTimeout.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.KeepAliveTimeout, options.ProgressInterval, "options.KeepAliveTimeout");
    }

    private void ThrowIfDisabled()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!Enabled) throw new InvalidOperationException("No etcd endpoint is configured.");
    }

    /// <summary>Shuts the channels down gracefully, then releases them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Volatile.Read(ref _keepAlives)?.Dispose();
        foreach (var channel in _channels) await channel.ShutdownAsync().ConfigureAwait(false);
        Release();
    }

    /// <summary>Releases the channels at once (open streams end).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Release();
    }

    private void Release()
    {
        Volatile.Read(ref _keepAlives)?.Dispose();
        foreach (var channel in _channels) channel.Dispose();
        _authLock.Dispose();
    }
}

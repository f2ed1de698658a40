using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The connection against real etcd: refused tokens, TLS with a client certificate, failover, error classification.</summary>
public sealed class ConnectionTests(EtcdClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<EtcdClusterFixture>, IDisposable
{
    private const string User = "root";
    private const string Password = "etcd-root-password-1";
    /// <summary>A guard for a 2 s token TTL: etcd checks expiries once a second.</summary>
    private static readonly TimeSpan TokenExpiry = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _pki = Directory.CreateTempSubdirectory("configcenter-etcd-pki-");

    [Fact]
    public async Task Call_AfterEtcdExpiredTheToken_AuthenticatesAgainAndSucceeds()
    {
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: _ => ["--auth-token-ttl=2"]);
        await EnableAuthAsync(etcd.Endpoints[0]);
        var logger = new ListLogger();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints], Username = User, Password = Password }, logger);
        await connection.PutAsync("/auth/k", ByteString.CopyFromUtf8("1"));

        // etcd forgets a simple token 2 s after its last use, on its own clock; the connection's token has expired once a
        // token taken after its last use is refused.
        await etcd.WaitForIdleTokensToExpireAsync(User, Password, "/", TokenExpiry);
        await connection.PutAsync("/auth/k", ByteString.CopyFromUtf8("2"));

        Assert.Equal("2", (await connection.GetAsync("/auth/k"))!.Value.ToStringUtf8());
        Assert.True(logger.Has(LogLevel.Information, "authenticating again"), "the expired token was renewed: " + logger);
    }

    [Fact]
    public async Task Watch_AfterEtcdExpiredTheToken_AuthenticatesAgainAndCatchesUp()
    {
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: _ => ["--auth-token-ttl=2"]);
        await EnableAuthAsync(etcd.Endpoints[0]);
        await using var proxy = new TcpProxy(new Uri(etcd.Endpoints[0]));
        var logger = new ListLogger();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [proxy.Url], Username = User, Password = Password }, logger);
        using var writer = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints], Username = User, Password = Password });
        var handler = new RecordingHandler();
        await using var watch = new RunningWatch(connection, "/auth-watch/", handler);
        await WaitFor.ConditionAsync(() => handler.Snapshots.Count == 1, TimeSpan.FromSeconds(20), "the watch read the prefix");

        // The watch's token expires while nothing happens; then the watch loses its connection, and comes back with the
        // expired token, which etcd refuses by cancelling the watch.
        await etcd.WaitForIdleTokensToExpireAsync(User, Password, "/", TokenExpiry);
        proxy.Disconnect();
        await WaitFor.ConditionAsync(() => !handler.Errors.IsEmpty, TimeSpan.FromSeconds(20), "the watch notices it is cut off");
        await writer.PutAsync("/auth-watch/k", ByteString.CopyFromUtf8("while away"));
        proxy.Reconnect();

        await WaitFor.ConditionAsync(() => handler.Events.Count == 1, TimeSpan.FromSeconds(30), "the watch authenticated again and caught up");
        Assert.Equal("while away", handler.Events[0].Value);
        Assert.True(logger.Has(LogLevel.Warning, "invalid auth token"), "etcd refused the expired token first: " + logger);
    }

    [Fact]
    public async Task LeaseKeepAlive_ReopenedWithAnExpiredToken_KeepsTheSameLease_AndTheNextPutAuthenticatesAgain()
    {
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: _ => ["--auth-token-ttl=2"]);
        await EnableAuthAsync(etcd.Endpoints[0]);
        await using var proxy = new TcpProxy(new Uri(etcd.Endpoints[0]));
        var logger = new ListLogger();
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [proxy.Url], Username = User, Password = Password }, logger);
        using var observer = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints], Username = User, Password = Password });
        var ttl = TimeSpan.FromSeconds(6);
        await using var keeper = new EtcdLeaseKeeper(connection, ttl);
        keeper.Start();
        var lease = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await keeper.PutAsync("/auth-lease/a", "1", CancellationToken.None);

        // Only keep-alives flow while the token expires: the open stream keeps the lease.
        await etcd.WaitForIdleTokensToExpireAsync(User, Password, "/", TokenExpiry);
        Assert.Equal(lease, keeper.LeaseId);
        var opened = connection.KeepAlives.StreamsOpened;

        // Cut the stream off until etcd's count for the lease ran down below half the TTL: a full count after that can
        // only come from a keep-alive on the stream reopened (with the expired token) after the reconnect.
        proxy.Disconnect();
        await WaitFor.ConditionAsync(async () => await observer.LeaseTimeToLiveAsync(lease, CancellationToken.None) <= 3,
            TimeSpan.FromSeconds(20), "the lease's TTL runs down while the stream is cut off");
        proxy.Reconnect();
        await WaitFor.ConditionAsync(async () => await observer.LeaseTimeToLiveAsync(lease, CancellationToken.None) >= 5,
            TimeSpan.FromSeconds(20), $"a keep-alive on the reopened stream renews the lease; log: {logger}");

        Assert.True(connection.KeepAlives.StreamsOpened > opened, "the keep-alive stream was reopened");
        Assert.Equal(lease, keeper.LeaseId);
        await keeper.PutAsync("/auth-lease/b", "2", CancellationToken.None);
        Assert.Equal(lease, (await observer.GetAsync("/auth-lease/b"))!.Lease);
        Assert.True(logger.Has(LogLevel.Information, "authenticating again"), "the put after the expiry was refused once and signed in again: " + logger);
        output.WriteLine(logger.ToString()); // what etcd did with the reopened keep-alive stream's expired token
    }

    [Fact]
    public async Task Call_WithAWrongPassword_FailsWithAuthenticationFailed_AndIsNotPermanentForTheRequest()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await EnableAuthAsync(etcd.Endpoints[0]);
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints], Username = User, Password = "wrong" });

        var error = await Assert.ThrowsAsync<RpcException>(() => connection.GetAsync("/k"));
        Assert.Contains("authentication failed", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.False(EtcdErrors.IsPermanent(error));
    }

    [Fact]
    public async Task Call_OverTlsWithAClientCertificate_Succeeds()
    {
        var pki = TestPki.Create(_pki.FullName);
        var tlsPort = FreePort.Get();
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: member =>
        [
            $"--listen-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--advertise-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--cert-file={pki.ServerCertificate}", $"--key-file={pki.ServerKey}", $"--trusted-ca-file={pki.Ca}", "--client-cert-auth",
        ]);
        using var connection = new EtcdConnection(new EtcdClientOptions
        {
            Endpoints = [$"https://127.0.0.1:{tlsPort}"],
            TrustedCaFile = pki.Ca,
            ClientCertificateFile = pki.ClientCertificate,
            ClientKeyFile = pki.ClientKey,
        });

        await connection.PutAsync("/tls/k", ByteString.CopyFromUtf8("over tls"));

        Assert.Equal("over tls", await etcd.GetAsync("/tls/k"));
    }

    [Fact]
    public async Task Call_WhenTheFirstEndpointIsDown_FailsOverToTheNext()
    {
        var dead = $"http://127.0.0.1:{FreePort.Get()}";
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [dead, fixture.Endpoints[0]], StartAtRandomEndpoint = false });

        await connection.PutAsync("/failover/k", ByteString.CopyFromUtf8("1"));

        Assert.Equal(fixture.Endpoints[0], connection.CurrentEndpoint);
    }

    [Fact]
    public async Task Call_WhenNoEndpointAnswers_ThrowsAnUnreachableError()
    {
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [$"http://127.0.0.1:{FreePort.Get()}"] });

        var error = await Assert.ThrowsAsync<RpcException>(() => connection.GetAsync("/k"));

        Assert.True(EtcdErrors.IsUnreachable(error), error.ToString());
        Assert.False(EtcdErrors.IsPermanent(error));
    }

    [Theory]
    [InlineData(2 * 1024 * 1024)] // over gRPC's message limit: ResourceExhausted
    [InlineData(1600 * 1024)] // over etcd's 1.5 MiB request limit: "request is too large"
    public async Task Put_OfAValueEtcdRefusesForItsSize_IsClassifiedAsPermanent(int bytes)
    {
        using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Endpoints] });

        var error = await Assert.ThrowsAsync<RpcException>(() => connection.PutAsync("/too-large", ByteString.CopyFrom(new byte[bytes])));

        Assert.True(EtcdErrors.IsPermanent(error), error.ToString());
        Assert.False(EtcdErrors.IsUnreachable(error), error.ToString());
    }

    public void Dispose() => _pki.Delete(recursive: true);

    /// <summary>Adds the root user with the root role and turns authentication on, as <c>etcdctl</c> would.</summary>
    private static async Task EnableAuthAsync(string endpoint)
    {
        using var channel = GrpcChannel.ForAddress(endpoint);
        var auth = new Auth.AuthClient(channel);
        await auth.UserAddAsync(new AuthUserAddRequest { Name = User, Password = Password });
        await auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = User, Role = "root" });
        await auth.AuthEnableAsync(new AuthEnableRequest());
    }
}

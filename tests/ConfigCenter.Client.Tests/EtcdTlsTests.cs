using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// The etcd transport over TLS with client-certificate authentication: etcd serves clients on an https URL with
/// a certificate from a test CA and requires a client certificate from the same CA (the server keeps publishing
/// on the member's plain http URL).
/// </summary>
public sealed class EtcdTlsTests : IDisposable
{
    private readonly DirectoryInfo _pki = Directory.CreateTempSubdirectory("configcenter-pki-");

    [Fact]
    public async Task EtcdTransport_OverTlsWithAClientCertificate_ReceivesReleases()
    {
        var pki = TestPki.Create(_pki.FullName);
        var tlsPort = FreePort.Get();
        await using var etcd = await StartEtcdAsync(pki, tlsPort, requireClientCertificates: true);
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        using var admin = await server.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(admin);
        var app = ServerFixtureBase.NewApp("etcd-tls");
        await api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        var first = await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello"));
        await WaitFor.ConditionAsync(async () => (await etcd.GetAsync(Contracts.EtcdKeys.Config(server.Prefix, "dev", app, "application")))
            ?.Contains($"\"revision\":{first},", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(15), "etcd holds r1");

        using var client = TestClient.Start(o =>
        {
            (o.App, o.Environment) = (app, "dev");
            (o.Etcd.Endpoints, o.Etcd.Prefix) = ([$"https://127.0.0.1:{tlsPort}"], server.Prefix);
            (o.Etcd.TrustedCaFile, o.Etcd.ClientCertificateFile, o.Etcd.ClientKeyFile) = (pki.Ca, pki.ClientCertificate, pki.ClientKey);
        });
        Assert.Equal("hello", client.Monitor.CurrentValue.Greeting);

        var revision = await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hi"));
        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("hi", client.Monitor.CurrentValue.Greeting);
    }

    [Fact]
    public async Task EtcdTransport_WithoutTheCa_RefusesTheServerCertificate()
    {
        var pki = TestPki.Create(_pki.FullName);
        var tlsPort = FreePort.Get();
        await using var etcd = await StartEtcdAsync(pki, tlsPort, requireClientCertificates: false);

        // No TrustedCaFile: the test CA is not trusted, so the TLS handshake fails and start-up says so.
        var error = Assert.ThrowsAny<Exception>(() => TestClient.Start(o =>
        {
            (o.App, o.Environment) = ("tls-app", "dev");
            o.Etcd.Endpoints = [$"https://127.0.0.1:{tlsPort}"];
            o.StartupTimeout = TimeSpan.FromSeconds(3);
        }));
        Assert.Contains("tls-app", error.Message, StringComparison.Ordinal);
        Assert.Contains($"https://127.0.0.1:{tlsPort}", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Delete(recursive: true);

    /// <summary>One member serving its plain URL (for the fixture and the server) and an https URL on <paramref name="tlsPort"/>.</summary>
    private static Task<EtcdCluster> StartEtcdAsync(TestPki pki, int tlsPort, bool requireClientCertificates) =>
        EtcdCluster.StartAsync(1, arguments: member =>
        [
            $"--listen-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--advertise-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--cert-file={pki.ServerCertificate}", $"--key-file={pki.ServerKey}",
            .. requireClientCertificates ? [$"--trusted-ca-file={pki.Ca}", "--client-cert-auth"] : Array.Empty<string>(),
        ]);
}

using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>The server reaching etcd over TLS with a client certificate (ConfigCenter:Etcd:Tls:CaFile, CertFile, KeyFile).</summary>
public sealed class EtcdTlsTests : IDisposable
{
    private readonly DirectoryInfo _pki = Directory.CreateTempSubdirectory("configcenter-server-pki-");

    [Fact]
    public async Task Publish_ToEtcdOverTlsWithAClientCertificate_IsDelivered()
    {
        var pki = TestPki.Create(_pki.FullName);
        var tlsPort = FreePort.Get();
        // The member also serves its plain URL, for the fixture's health checks and for reading back here.
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: member =>
        [
            $"--listen-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--advertise-client-urls={member.Endpoint},https://127.0.0.1:{tlsPort}",
            $"--cert-file={pki.ServerCertificate}", $"--key-file={pki.ServerKey}", $"--trusted-ca-file={pki.Ca}", "--client-cert-auth",
        ]);
        await using var host = await ConfigCenterServerHost.StartAsync([$"https://127.0.0.1:{tlsPort}"], settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Etcd:Tls:CaFile"] = pki.Ca,
            ["ConfigCenter:Etcd:Tls:CertFile"] = pki.ClientCertificate,
            ["ConfigCenter:Etcd:Tls:KeyFile"] = pki.ClientKey,
        });
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("secure", ("application", "properties"));
        (await api.SetItemAsync("secure", "dev", "application", "Greeting", "hello")).EnsureSuccessStatusCode();

        var revision = await api.PublishAsync("secure", "dev", "application");

        var document = await EtcdDocuments.WaitForAsync(etcd, host.Prefix, "dev", "secure", "application", revision);
        Assert.Equal("hello", document.Items["Greeting"]);
        var status = await api.GetJsonAsync("/api/v1/status");
        Assert.True(status.GetProperty("etcd").GetProperty("reachable").GetBoolean(), status.ToString());
    }

    public void Dispose() => _pki.Delete(recursive: true);
}

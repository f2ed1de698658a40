using ConfigCenter.Testing;

namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>A real etcd cluster (or none: standalone) and a real server on Kestrel, shared by one test class.</summary>
public abstract class ServerFixtureBase(int etcdMembers) : IAsyncLifetime
{
    private static int apps;

    public EtcdCluster? Etcd { get; private set; }

    public ConfigCenterServerHost Server { get; private set; } = null!;

    internal ConfigCenterApiClient Api { get; private set; } = null!;

    /// <summary>An app id no other test uses.</summary>
    public static string NewApp(string name) => $"{name}-{Interlocked.Increment(ref apps)}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Publishes like <see cref="ConfigCenterApiClient.PublishItemsAsync"/> and, in etcd mode, waits until etcd holds the release.</summary>
    internal async Task<long> PublishDeliveredAsync(string app, string ns, params (string Key, string? Value)[] items)
    {
        var revision = await Api.PublishItemsAsync(app, "dev", ns, items);
        await WaitInEtcdAsync(app, ns, revision);
        return revision;
    }

    /// <summary>In etcd mode, waits until etcd holds <paramref name="revision"/> of the namespace (the outbox relay is asynchronous).</summary>
    internal async Task WaitInEtcdAsync(string app, string ns, long revision)
    {
        if (Etcd is null) return;
        var key = Contracts.EtcdKeys.Config(Server.Prefix, "dev", app, ns);
        await WaitFor.ConditionAsync(async () => (await Etcd.GetAsync(key))?.Contains($"\"revision\":{revision},", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(15), $"etcd holds {app}/{ns} r{revision}");
    }

    public async Task InitializeAsync()
    {
        if (etcdMembers > 0) Etcd = await EtcdCluster.StartAsync(etcdMembers);
        Server = await ConfigCenterServerHost.StartAsync(Etcd?.Endpoints);
        Api = new ConfigCenterApiClient(await Server.CreateAdminClientAsync());
    }

    public async Task DisposeAsync()
    {
        Api?.Http.Dispose();
        await Server.DisposeAsync();
        if (Etcd is not null) await Etcd.DisposeAsync();
    }
}

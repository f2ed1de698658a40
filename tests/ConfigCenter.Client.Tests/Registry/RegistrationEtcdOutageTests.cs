using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>etcd goes away for longer than the TTL: the instance re-registers by itself on a new lease. Own cluster: it is stopped.</summary>
public sealed class RegistrationEtcdOutageTests : IAsyncLifetime
{
    private EtcdCluster _etcd = null!;

    public async Task InitializeAsync() => _etcd = await EtcdCluster.StartAsync(1);

    public async Task DisposeAsync() => await _etcd.DisposeAsync();

    [Fact]
    public async Task EtcdDownLongerThanTheTtl_InstanceReRegistersWithANewLease()
    {
        var settings = new RegistrySettings(_etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix());
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings, o => o.Ttl = TimeSpan.FromSeconds(2));
        var keeper = service.Registration.Keeper!;
        var first = await keeper.WaitForLeaseAsync(CancellationToken.None);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(5), "registered");

        await _etcd.StopMemberAsync(0);
        await WaitFor.ConditionAsync(() => keeper.LeaseId == 0, TimeSpan.FromSeconds(10), "the keeper to give the lease up after the TTL");
        await _etcd.StartMemberAsync(0);

        var second = await keeper.WaitForLeaseAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.NotEqual(first, second);
        // Still there after the restored old lease would have run out: the entry lives on the new lease.
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(10), "re-registered");
        var entry = Assert.Single(await registry.GetInstancesAsync("user", CancellationToken.None));
        Assert.Equal(service.InstanceId, entry.InstanceId);
    }
}

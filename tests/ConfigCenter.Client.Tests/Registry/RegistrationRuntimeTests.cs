using System.Net;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Testing;
using Etcdserverpb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>
/// What changes a registration at run time, against a real etcd and a real server: an admin's drain and deregister
/// (which must stick), the application's own <see cref="IServiceRegistration"/>, and options published through ConfigCenter.
/// </summary>
public sealed class RegistrationRuntimeTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    // A guard, not a figure: a whole suite on two cores has stalled this process's timers for seconds at a time.
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(15);

    private RegistrySettings NewSettings(string app = "user") =>
        new(fixture.Etcd!.Endpoints, fixture.Server.Prefix, $"rt-{Guid.NewGuid().ToString("N")[..8]}", app);

    [Fact]
    public async Task AdminDrain_IsKept_ThroughHealthChanges_AndARegistrationOnANewLease()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, FewSeconds, "registered");

        using (var response = await fixture.Api.Http.PostAsync(new Uri($"/api/v1/registry/{settings.Environment}/services/user/{service.InstanceId}/drain", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 0, FewSeconds, "the drained instance out of discovery");

        // A health change makes the instance put its entry again: the admin's mark must be in it.
        service.Health = HealthStatus.Degraded;
        var entry = await WaitFor.ValueAsync(() => Task.FromResult(RegistrySettings.All(discovery, "user").SingleOrDefault()),
            e => e?.Health == "warning", FewSeconds, "the health change registered");
        Assert.Equal("true", entry!.Metadata[PresenceMetadata.Draining]);
        service.Health = HealthStatus.Healthy;
        entry = await WaitFor.ValueAsync(() => Task.FromResult(RegistrySettings.All(discovery, "user").SingleOrDefault()),
            e => e?.Health == "passing", FewSeconds, "passing again");
        Assert.Equal("true", entry!.Metadata[PresenceMetadata.Draining]);
        Assert.True(service.Own.Current!.Metadata.ContainsKey(PresenceMetadata.Draining));

        // The lease is lost (revoked here, as etcd does when it expires): the keeper registers again on a new lease.
        var keeper = service.Registration.Keeper!;
        var lost = keeper.LeaseId;
        await RevokeAsync(lost);
        await WaitFor.ConditionAsync(() => keeper.LeaseId != 0 && keeper.LeaseId != lost, TimeSpan.FromSeconds(10), "a new lease");
        entry = await WaitFor.ValueAsync(() => Task.FromResult(RegistrySettings.All(discovery, "user").SingleOrDefault()),
            e => e is not null, FewSeconds, "registered again on the new lease");
        Assert.Equal("true", entry!.Metadata[PresenceMetadata.Draining]);
        Assert.Empty(await registry.GetInstancesAsync("user", CancellationToken.None));
        Assert.False(service.Own.IsDeregistered);

        // The admin puts it back: the instance follows that too.
        using (var response = await fixture.Api.Http.PostAsync(new Uri($"/api/v1/registry/{settings.Environment}/services/user/{service.InstanceId}/resume", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, FewSeconds, "back in discovery");
        service.Health = HealthStatus.Degraded;
        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").SingleOrDefault()?.Health == "warning", FewSeconds, "another health change");
        Assert.False(RegistrySettings.All(discovery, "user").Single().Metadata.ContainsKey(PresenceMetadata.Draining));
    }

    [Fact]
    public async Task HandDeregister_StaysDeregistered_ThroughHealthChanges_UntilTheAppRegistersAgain()
    {
        var settings = NewSettings();
        using var logs = new CapturingLoggerProvider();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings, logs: logs);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, FewSeconds, "registered");
        var key = EtcdKeys.Instance(settings.Prefix, settings.Environment, "user", service.InstanceId);

        using (var response = await fixture.Api.Http.DeleteAsync(new Uri($"/api/v1/registry/{settings.Environment}/services/user/{service.InstanceId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await WaitFor.ConditionAsync(() => service.Own.IsDeregistered, FewSeconds, "the instance to notice its hand deregistration");
        Assert.True(logs.Has(LogLevel.Warning, "deleted by hand"), "the hand deregistration is logged as a warning");

        // Health changes would put the entry again: they must not.
        service.Health = HealthStatus.Unhealthy;
        await WaitFor.ConditionAsync(() => service.Own.Current?.Health == "critical", FewSeconds, "the health round to run");
        service.Health = HealthStatus.Healthy;
        await WaitFor.ConditionAsync(() => service.Own.Current?.Health == "passing", FewSeconds, "the next health round to run");
        Assert.Null(await fixture.Etcd!.GetAsync(key));
        Assert.Empty(RegistrySettings.All(discovery, "user"));
        Assert.Empty(service.Registration.Keeper!.Keys);

        await service.Own.RegisterAgainAsync(CancellationToken.None);

        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, OneSecond, "registered again within 1 s");
        Assert.False(service.Own.IsDeregistered);
    }

    [Fact]
    public async Task LeaseExpiry_IsNotTakenForAHandDeregistration()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        await using var service = await RegisteredService.StartAsync(settings);
        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").Count == 1, FewSeconds, "registered");
        var keeper = service.Registration.Keeper!;
        var lost = keeper.LeaseId;

        await RevokeAsync(lost);

        await WaitFor.ConditionAsync(() => keeper.LeaseId != 0 && keeper.LeaseId != lost && RegistrySettings.All(discovery, "user").Count == 1,
            TimeSpan.FromSeconds(10), "registered again on a new lease");
        Assert.False(service.Own.IsDeregistered);
    }

    [Fact]
    public async Task SetDrainingAndWeight_AtRunTime_AreSeenByAnotherProcessWithinOneSecond()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, FewSeconds, "registered");

        await service.Own.SetDrainingAsync(true, CancellationToken.None);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 0, OneSecond, "draining seen within 1 s");
        Assert.Equal("true", Assert.Single(RegistrySettings.All(discovery, "user")).Metadata[PresenceMetadata.Draining]);

        await service.Own.SetDrainingAsync(false, CancellationToken.None);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, OneSecond, "back within 1 s");

        await service.Own.SetWeightAsync(0, CancellationToken.None);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 0, OneSecond, "weight 0 seen within 1 s");

        await service.Own.SetWeightAsync(40, CancellationToken.None);
        var entry = await WaitFor.ValueAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).SingleOrDefault(),
            e => e is not null, OneSecond, "weight 40 seen within 1 s");
        Assert.Equal("40", entry!.Metadata["weight"]);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.Own.SetWeightAsync(-1, CancellationToken.None));
    }

    [Fact]
    public async Task WeightAndDraining_PublishedThroughConfigCenter_AreRegisteredWithinOneSecondOfTheReload()
    {
        var app = ServerFixtureBase.NewApp("weight");
        await fixture.Api.CreateAppAsync(app, ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("ConfigCenter:Registration:Weight", "100"));
        var settings = new RegistrySettings(fixture.Etcd!.Endpoints, fixture.Server.Prefix, "dev", app);
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings, builder: b => b.Configuration.AddConfigCenter(o => o.CacheDirectory = Directory.CreateTempSubdirectory("cc-weight-").FullName));
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync(app, CancellationToken.None)).Count == 1, FewSeconds, "registered");
        var configuration = service.App.Services.GetRequiredService<IConfiguration>();

        await fixture.PublishDeliveredAsync(app, "application", ("ConfigCenter:Registration:Weight", "100"), ("ConfigCenter:Registration:Draining", "true"));
        await WaitFor.ConditionAsync(() => configuration["ConfigCenter:Registration:Draining"] == "true", FewSeconds, "the release applied");
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync(app, CancellationToken.None)).Count == 0, OneSecond, "draining registered within 1 s");

        await fixture.PublishDeliveredAsync(app, "application", ("ConfigCenter:Registration:Weight", "7"), ("ConfigCenter:Registration:Draining", "false"));
        await WaitFor.ConditionAsync(() => configuration["ConfigCenter:Registration:Weight"] == "7", FewSeconds, "the second release applied");
        var entry = await WaitFor.ValueAsync(async () => (await registry.GetInstancesAsync(app, CancellationToken.None)).SingleOrDefault(),
            e => e?.Metadata["weight"] == "7", OneSecond, "weight 7 and back in rotation within 1 s");
        Assert.False(entry!.Metadata.ContainsKey(PresenceMetadata.Draining));
    }

    private async Task RevokeAsync(long lease)
    {
        await using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. fixture.Etcd!.Endpoints] });
        await connection.CallAsync((invoker, o) => new Lease.LeaseClient(invoker).LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, o).ResponseAsync, CancellationToken.None);
    }
}

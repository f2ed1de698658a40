using ConfigCenter.Client.Registry;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Testing;
using Etcdserverpb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>AddConfigCenterRegistration on real Kestrel hosts against a real etcd, observed from another client's cache.</summary>
public sealed class RegistrationTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private RegistrySettings NewSettings(string? app = "user") => new(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix(), App: app);

    [Fact]
    public async Task StartedHost_IsVisibleInAnotherClientsCache_WithinOneSecond_WithWhatKestrelListensOn()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        Assert.Empty(await registry.GetInstancesAsync("user", CancellationToken.None));

        await using var service = await RegisteredService.StartAsync(settings, o =>
        {
            o.Zone = "eu-1";
            o.Version = "1.4.2";
            o.Metadata["team"] = "accounts";
        });

        var entry = Assert.Single(await WaitFor.ValueAsync(() => registry.GetInstancesAsync("user", CancellationToken.None).AsTask(),
            l => l.Count == 1, OneSecond, "the instance to show in the other client's cache"));
        Assert.Equal(("user", "127.0.0.1", service.Port, "http", "passing"), (entry.Service, entry.Address, entry.Port, entry.Scheme, entry.Health));
        Assert.NotEqual(0, entry.Port);
        Assert.Equal(service.InstanceId, entry.InstanceId);
        Assert.Equal("eu-1", entry.Metadata["zone"]);
        Assert.Equal("1.4.2", entry.Metadata["version"]);
        Assert.Equal("100", entry.Metadata["weight"]);
        Assert.Equal("accounts", entry.Metadata["team"]);
        Assert.NotEqual(default, entry.RegisteredAt);
    }

    [Fact]
    public async Task LeaseIsGrantedBeforeTheServerListens_SoTheRegistrationIsOneEtcdWrite()
    {
        var settings = NewSettings();
        var probe = new ListeningProbe();
        await using var app = RegisteredService.Build(settings, o => o.Required = true, b =>
        {
            // Registered before AddConfigCenterRegistration: its StartedAsync runs once Kestrel listens, right before the
            // registration's own StartedAsync.
            b.Services.AddSingleton(probe);
            b.Services.AddHostedService(sp => sp.GetRequiredService<ListeningProbe>().Bind(sp));
        });

        await app.StartAsync();

        var atListen = await probe.Seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotEqual(0, atListen.Port);
        Assert.NotEqual(0, atListen.Lease);
        Assert.Equal(0, atListen.Keys);
        var registration = app.Services.GetRequiredService<ServiceRegistration>();
        await using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] });
        var kv = Assert.Single((await connection.GetAsync(registration.Key!, CancellationToken.None)).Kvs);
        Assert.Equal(atListen.Lease, kv.Lease);
        Assert.Equal(atListen.Lease, registration.Keeper!.LeaseId);
        // The grant was a raft entry of its own (the measure sees writes); from the listening server to the stored
        // entry there was exactly one more: the put.
        Assert.True(atListen.RaftIndex > atListen.RaftIndexBeforeStart, $"the grant did not show in etcd's raft index ({atListen.RaftIndexBeforeStart} → {atListen.RaftIndex})");
        Assert.Equal(atListen.RaftIndex + 1, await RaftIndexAsync(connection));
    }

    /// <summary>etcd's applied raft index: every write (a put, a lease grant or revoke) adds one entry; reads and keep-alives add none.</summary>
    private static async Task<ulong> RaftIndexAsync(EtcdConnection connection)
    {
        var status = await connection.CallAsync((invoker, o) => new Maintenance.MaintenanceClient(invoker).StatusAsync(new StatusRequest(), o).ResponseAsync,
            CancellationToken.None);
        return status.RaftAppliedIndex;
    }

    /// <summary>
    /// Looks at the registration when the server already listens and the registration has not put anything yet: which
    /// lease the keeper holds (waiting for the grant that StartingAsync asked for) and etcd's raft index at that moment.
    /// </summary>
    private sealed class ListeningProbe : IHostedLifecycleService
    {
        private IServiceProvider? _services;

        public TaskCompletionSource<(int Port, long Lease, int Keys, ulong RaftIndexBeforeStart, ulong RaftIndex)> Seen { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ulong _beforeStart;

        public ListeningProbe Bind(IServiceProvider services)
        {
            _services = services;
            return this;
        }

        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            // Runs before the registration's StartingAsync (registered first): nothing of this host reached etcd yet.
            _beforeStart = await RaftIndexAsync(_services!.GetRequiredService<RegistryEtcd>().Connection);
        }

        public async Task StartedAsync(CancellationToken cancellationToken)
        {
            var services = _services!;
            var port = new Uri(services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()).Port;
            var keeper = services.GetRequiredService<ServiceRegistration>().Keeper
                ?? throw new InvalidOperationException("The server listens but the registration has no lease keeper yet: nothing was granted ahead of it.");
            var lease = await keeper.WaitForLeaseAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            var index = await RaftIndexAsync(services.GetRequiredService<RegistryEtcd>().Connection);
            Seen.TrySetResult((port, lease, keeper.Keys.Count, _beforeStart, index));
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task AddressAndPortOverride_IsWhatOthersSee()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        await using var service = await RegisteredService.StartAsync(settings, o =>
        {
            o.Address = "10.1.2.3";
            o.Port = 8443;
            o.Scheme = "https";
            o.InstanceId = "user-pod-7";
        });

        var entry = await WaitFor.ValueAsync(() => Task.FromResult(RegistrySettings.All(discovery, "user")), l => l.Count == 1, TimeSpan.FromSeconds(5), "the instance");
        Assert.Equal(("user-pod-7", "10.1.2.3", 8443, "https"), (entry[0].InstanceId, entry[0].Address, entry[0].Port, entry[0].Scheme));
    }

    [Fact]
    public async Task GracefulStop_RevokesTheLease_AndTheInstanceIsGoneWithinOneSecond()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(5), "registered");

        await service.StopAsync();

        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 0, OneSecond, "the instance to be gone");
        Assert.Empty(await KeysAsync(settings));
    }

    [Fact]
    public async Task KilledHost_ThatNeverRevokes_IsGoneWhenItsTtlRunsOut()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        await using var service = await RegisteredService.StartAsync(settings, o => o.Ttl = TimeSpan.FromSeconds(3));
        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").Count == 1, TimeSpan.FromSeconds(5), "registered");

        // What a crash leaves: nobody keeps the lease alive and nobody revokes it.
        await service.App.Services.GetRequiredService<ConfigCenter.Client.Registry.RegistryEtcd>().Connection.DisposeAsync();
        await service.StopAsync();
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        Assert.Single(RegistrySettings.All(discovery, "user"));

        // etcd's leader looks for expired leases every 500 ms and revokes them through raft; with the whole suite sharing
        // two cores that was once seen to take more than 2 s past the TTL, so the bound is generous. A keep-alive that
        // outlived the connection would keep the entry forever and still fail here.
        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").Count == 0, TimeSpan.FromSeconds(3 + 7), "the lease to expire");
        Assert.True(stopped.Elapsed > TimeSpan.FromSeconds(1), $"gone after {stopped.Elapsed}: it should have waited for the TTL, not been revoked");
    }

    [Fact]
    public async Task CriticalHealth_TakesTheInstanceOutOfDiscovery_AndPassingBringsItBack()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var service = await RegisteredService.StartAsync(settings);
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(5), "registered");

        service.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;

        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 0, TimeSpan.FromSeconds(3), "critical to leave discovery");
        Assert.Equal("critical", Assert.Single(RegistrySettings.All(discovery, "user")).Health);

        service.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded;
        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").SingleOrDefault()?.Health == "warning", TimeSpan.FromSeconds(3), "warning registered");
        Assert.Empty(await registry.GetInstancesAsync("user", CancellationToken.None));

        service.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        await WaitFor.ConditionAsync(async () => (await registry.GetInstancesAsync("user", CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(3), "passing again");
    }

    [Fact]
    public async Task WeightZeroOrDraining_StaysRegistered_ButIsNotDiscovered()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var weightless = await RegisteredService.StartAsync(settings, o => o.Weight = 0);
        await using var draining = await RegisteredService.StartAsync(settings, o => o.Draining = true);
        await using var serving = await RegisteredService.StartAsync(settings);

        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").Count == 3, TimeSpan.FromSeconds(5), "three registered");
        Assert.Equal(serving.InstanceId, Assert.Single(await registry.GetInstancesAsync("user", CancellationToken.None)).InstanceId);
    }

    [Fact]
    public async Task BelowTheProtectionThreshold_EveryInstanceIsReturned()
    {
        var settings = NewSettings();
        await using var protectedView = settings.Discovery(protectionThreshold: 0.6);
        await using var plainView = settings.Discovery();
        await using var healthy = await RegisteredService.StartAsync(settings);
        await using var sick = await RegisteredService.StartAsync(settings);
        sick.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;

        await WaitFor.ConditionAsync(() => RegistrySettings.All(plainView, "user").Count(e => e.Health == "critical") == 1
            && RegistrySettings.All(protectedView, "user").Count == 2, TimeSpan.FromSeconds(5), "one critical of two");

        Assert.Equal(healthy.InstanceId, Assert.Single(await plainView.GetRequiredService<IServiceRegistry>().GetInstancesAsync("user", CancellationToken.None)).InstanceId);
        var all = await protectedView.GetRequiredService<IServiceRegistry>().GetInstancesAsync("user", CancellationToken.None);
        Assert.Equal(new[] { healthy.InstanceId, sick.InstanceId }.Order(StringComparer.Ordinal), all.Select(e => e.InstanceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ProtectionThreshold_IsLoggedWhenItStartsAndWhenItEnds_AsTheHealthChanges()
    {
        var settings = NewSettings();
        using var logs = new Infrastructure.CapturingLoggerProvider();
        await using var view = settings.Discovery(protectionThreshold: 0.6, more: s => s.AddLogging(b => b.AddProvider(logs)));
        await using var healthy = await RegisteredService.StartAsync(settings);
        await using var flapping = await RegisteredService.StartAsync(settings);
        // One query starts the cache; from here on only the watch runs, nobody asks.
        await WaitFor.ConditionAsync(async () => (await view.GetRequiredService<IServiceRegistry>().GetInstancesAsync("user", CancellationToken.None)).Count == 2,
            TimeSpan.FromSeconds(5), "both registered");
        Assert.False(logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "Protection threshold"));

        flapping.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;

        await WaitFor.ConditionAsync(() => logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "Protection threshold: 1 of 2 instances of user are passing"),
            TimeSpan.FromSeconds(5), "the start of protection logged");
        flapping.Health = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        await WaitFor.ConditionAsync(() => logs.Has(Microsoft.Extensions.Logging.LogLevel.Information, "Protection threshold lifted for user: 2 of 2"),
            TimeSpan.FromSeconds(5), "the end of protection logged");
        Assert.Single(logs.Entries, e => e.Message.StartsWith("Protection threshold:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entry_CarriesTheProtectionThreshold_FromTheOptionOrFromDiscovery()
    {
        var settings = NewSettings();
        await using var discovery = settings.Discovery();
        await using var explicitly = await RegisteredService.StartAsync(settings, o => o.ProtectionThreshold = 0.25);
        await using var fromDiscovery = await RegisteredService.StartAsync(settings, builder: b => b.Configuration["ConfigCenter:Discovery:ProtectionThreshold"] = "0.4");
        await using var unset = await RegisteredService.StartAsync(settings);

        await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").Count == 3, TimeSpan.FromSeconds(5), "three registered");
        var thresholds = RegistrySettings.All(discovery, "user").ToDictionary(e => e.InstanceId, e => e.ProtectionThreshold);
        Assert.Equal(0.25, thresholds[explicitly.InstanceId]);
        Assert.Equal(0.4, thresholds[fromDiscovery.InstanceId]);
        Assert.Equal(0, thresholds[unset.InstanceId]);

        await using var bad = RegisteredService.Build(settings, o => o.ProtectionThreshold = 1.5);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => bad.StartAsync());
        Assert.Contains("ProtectionThreshold 1.5 is invalid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "service name")]
    [InlineData("Bad_Name", null, "'Bad_Name' is invalid")]
    [InlineData("user", 70000, "Port 70000 is out of range")]
    public async Task BadRegistrationInput_FailsStartUpClearly_AndWritesNothing(string? serviceName, int? port, string expected)
    {
        var settings = NewSettings(app: null);
        await using var app = RegisteredService.Build(settings, o =>
        {
            o.ServiceName = serviceName;
            o.Port = port;
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(await KeysAsync(settings));
    }

    [Fact]
    public async Task NoEtcdEndpoints_FailsStartUpClearly()
    {
        var settings = new RegistrySettings([], EtcdClusterFixtureBase.NewPrefix());
        await using var app = RegisteredService.Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ConfigCenter:Etcd:Endpoints is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiredRegistration_WithEtcdUnreachable_FailsStartUpClearly()
    {
        var settings = new RegistrySettings([$"http://127.0.0.1:{FreePort.Get()}"], EtcdClusterFixtureBase.NewPrefix());
        await using var app = RegisteredService.Build(settings, o =>
        {
            o.Required = true;
            o.StartupTimeout = TimeSpan.FromSeconds(1);
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("registration is required but /", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The registry keys etcd holds under the test's prefix, read directly.</summary>
    private async Task<IReadOnlyList<string>> KeysAsync(RegistrySettings settings)
    {
        await using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] });
        var prefix = EtcdKeys.NormalizePrefix(settings.Prefix) + "/registry/";
        var response = await connection.CallAsync((invoker, o) => new KV.KVClient(invoker).RangeAsync(
            new RangeRequest { Key = EtcdRanges.Key(prefix), RangeEnd = EtcdRanges.PrefixEnd(prefix), KeysOnly = true }, o).ResponseAsync, CancellationToken.None);
        return [.. response.Kvs.Select(k => k.Key.ToStringUtf8())];
    }
}

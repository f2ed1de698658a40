using System.Net;
using System.Text.Json;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>
/// Every config client leaves its presence and applied revisions in the registry, so one server replica's instances
/// endpoint shows clients of any transport and any replica; admins drain and deregister instances by hand.
/// </summary>
public sealed class InstancePresenceTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    // A guard, not a figure: a whole suite on two cores has stalled this process's timers for seconds at a time.
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task InstancesEndpoint_ShowsEtcdOnlyClient_AndHubClientOfAnotherReplica_WithTheirAppliedRevisions()
    {
        var app = ServerFixtureBase.NewApp("presence");
        await fixture.Api.CreateAppAsync(app, ("application", "properties"));
        var first = await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "hello"));
        await using var replicaB = await ConfigCenterServerHost.StartAsync(fixture.Etcd!.Endpoints, fixture.Server.Prefix);
        using var httpB = await replicaB.CreateAdminClientAsync();
        // Replicas share etcd, not (with SQLite) their store: replica B needs the app to issue its own client key.
        var keyB = await new ConfigCenterApiClient(httpB).CreateAppWithKeyAsync(app, "dev", ("application", "properties"));

        using var etcdClient = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.InstanceId = $"{app}-etcd";
        });
        using var hubClient = TestClient.Start(o =>
        {
            o.App = app;
            o.Environment = "dev";
            o.InstanceId = $"{app}-hub";
            o.Server.Url = replicaB.BaseAddress.ToString();
            o.Server.ApiKey = keyB;
        });

        var instances = await WaitForRevisionsAsync(app, first, $"{app}-etcd", $"{app}-hub");
        Assert.Equal("etcd", instances[$"{app}-etcd"].GetProperty("transport").GetString());
        Assert.Equal("signalr", instances[$"{app}-hub"].GetProperty("transport").GetString());
        // Neither talks to replica A's hub; both are known only through the registry.
        Assert.All(instances.Values, i => Assert.False(i.GetProperty("hub").GetBoolean()));
        Assert.All(instances.Values, i => Assert.True(i.GetProperty("presence").GetBoolean()));

        var second = await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "hi"));

        await WaitForRevisionsAsync(app, second, $"{app}-etcd", $"{app}-hub");
    }

    [Fact]
    public async Task PresenceDisabled_LeavesNoRegistryEntry_AndPresenceIsNeverDiscoverable()
    {
        var app = ServerFixtureBase.NewApp("nopresence");
        await fixture.Api.CreateAppAsync(app, ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "hello"));
        using var silent = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.InstanceId = $"{app}-silent";
            o.Presence = false;
        });

        // A client started after it is a witness: once its entry is there, the silent one would have been too.
        using var witness = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.InstanceId = $"{app}-witness";
        });
        await WaitFor.ConditionAsync(async () => await fixture.Etcd!.GetAsync(EntryKey(app, $"{app}-witness")) is not null, FewSeconds, "the witness's presence entry");

        Assert.Null(await fixture.Etcd!.GetAsync(EntryKey(app, $"{app}-silent")));
        var listed = (await fixture.Api.InstancesAsync(app, "dev")).EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()).ToList();
        Assert.DoesNotContain($"{app}-silent", listed);
        var settings = new RegistrySettings(fixture.Etcd.Endpoints, fixture.Server.Prefix, App: app);
        await using var discovery = settings.Discovery();
        Assert.Empty(await discovery.GetRequiredService<IServiceRegistry>().GetInstancesAsync(app, CancellationToken.None));
    }

    [Fact]
    public async Task DrainByHand_MarksTheEntryDraining_RemovesItFromDiscovery_AndIsAudited_ThenDeregisterRemovesIt()
    {
        var env = $"drain-{Guid.NewGuid().ToString("N")[..8]}";
        var settings = new RegistrySettings(fixture.Etcd!.Endpoints, fixture.Server.Prefix, env, App: "user");
        await using var discovery = settings.Discovery();
        var registry = discovery.GetRequiredService<IServiceRegistry>();
        await using var kept = await RegisteredService.StartAsync(settings);
        await using var drained = await RegisteredService.StartAsync(settings);
        await WaitFor.ValueAsync(() => registry.GetInstancesAsync("user", CancellationToken.None).AsTask(), l => l.Count == 2, FewSeconds, "both instances discoverable");
        var path = $"/api/v1/registry/{env}/services/user/{drained.InstanceId}";

        using (var response = await fixture.Api.Http.PostAsync(new Uri(path + "/drain", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var left = await WaitFor.ValueAsync(() => registry.GetInstancesAsync("user", CancellationToken.None).AsTask(), l => l.Count == 1, FewSeconds, "discovery to drop the drained instance");
        Assert.Equal(kept.InstanceId, Assert.Single(left).InstanceId);
        var stored = JsonSerializer.Deserialize(
            (await fixture.Etcd.GetAsync(EtcdKeys.Instance(fixture.Server.Prefix, env, "user", drained.InstanceId)))!, ContractsJsonContext.Default.RegistryEntry)!;
        Assert.Equal("true", stored.Metadata[PresenceMetadata.Draining]);
        var instanceKey = EtcdKeys.Instance(fixture.Server.Prefix, env, "user", drained.InstanceId);
        var drain = Assert.Single(await fixture.Api.AuditEntriesAsync("registry.drain", instanceKey));
        Assert.Equal("admin", drain.GetProperty("actor").GetString());
        Assert.Equal("127.0.0.1", drain.GetProperty("address").GetString());
        Assert.Contains("\"draining\":\"true\"", drain.GetProperty("after").GetString(), StringComparison.Ordinal);

        using (var response = await fixture.Api.Http.DeleteAsync(new Uri(path, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Null(await fixture.Etcd.GetAsync(EtcdKeys.Instance(fixture.Server.Prefix, env, "user", drained.InstanceId)));
        var services = await WaitFor.ValueAsync(() => fixture.Api.GetJsonAsync($"/api/v1/registry/{env}/services/user"),
            s => s.GetProperty("instances").GetArrayLength() == 1, FewSeconds, "the deregistered instance gone from the registry API");
        Assert.Equal(kept.InstanceId, services.GetProperty("instances")[0].GetProperty("instanceId").GetString());
        var deregister = Assert.Single(await fixture.Api.AuditEntriesAsync("registry.deregister", instanceKey));
        Assert.Equal("admin", deregister.GetProperty("actor").GetString());
        Assert.Equal("127.0.0.1", deregister.GetProperty("address").GetString());
        Assert.Contains(drained.InstanceId, deregister.GetProperty("before").GetString(), StringComparison.Ordinal);
        using var missing = await fixture.Api.Http.DeleteAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<Dictionary<string, JsonElement>> WaitForRevisionsAsync(string app, long revision, params string[] instanceIds)
    {
        var found = await WaitFor.ValueAsync(async () => (await fixture.Api.InstancesAsync(app, "dev")).EnumerateArray()
                .ToDictionary(i => i.GetProperty("instanceId").GetString()!, i => i.Clone()),
            all => instanceIds.All(id => all.TryGetValue(id, out var i)
                && i.GetProperty("revisions").TryGetProperty("application", out var r) && r.GetInt64() == revision),
            FewSeconds, $"{string.Join(", ", instanceIds)} listed on replica A with application r{revision}");
        return found;
    }

    private string EntryKey(string app, string instanceId) => EtcdKeys.Instance(fixture.Server.Prefix, "dev", app, instanceId);

    private void UseEtcd(ConfigCenterOptions o, string app)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [.. fixture.Etcd!.Endpoints];
        o.Etcd.Prefix = fixture.Server.Prefix;
    }
}

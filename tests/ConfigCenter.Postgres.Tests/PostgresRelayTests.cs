using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// Replicas on one PostgreSQL database share the outbox: exactly one relays it (etcd election, fenced writes), leadership
/// moves when the leader stops, and what one replica publishes reaches the other's API and hub.
/// </summary>
public sealed class PostgresRelayTests(EtcdClusterFixture etcd, PostgresFixture postgres)
    : IClassFixture<EtcdClusterFixture>, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TwoReplicas_ExactlyOneRelays_AndLeadershipMovesWhenTheLeaderStops()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        ConfigCenterServerHost? leader = null;
        try
        {
            using var adminA = await a.CreateAdminClientAsync();
            using var adminB = await b.CreateAdminClientAsync();
            var (relayingA, relayingB) = await WaitFor.ValueAsync(
                async () => (await ReplicaAsync(adminA), await ReplicaAsync(adminB)),
                r => r.Item1.Relaying || r.Item2.Relaying, TimeSpan.FromSeconds(20), "one replica relays the outbox");
            Assert.True(relayingA.Relaying ^ relayingB.Relaying, $"exactly one relays: A={relayingA}, B={relayingB}");
            var (leading, follower, followerAdmin) = relayingA.Relaying ? (relayingA, relayingB, adminB) : (relayingB, relayingA, adminA);
            Assert.NotEqual(leading.Id, follower.Id);
            // etcd agrees: the leader is the candidate key created first (each candidate key is written once).
            var candidates = await etcd.Cluster.RangeAsync($"{prefix}/election/_server/outbox-relay/");
            Assert.Equal(2, candidates.Count);
            Assert.Equal(leading.Id, System.Text.Encoding.UTF8.GetString(candidates.MinBy(c => c.ModRevision).Value));

            // Publishes on either replica reach etcd through the one relay.
            var apiFollower = new ConfigCenterApiClient(followerAdmin);
            await apiFollower.CreateAppAsync("billing", ("application", "properties"));
            var r1 = await apiFollower.PublishItemsAsync("billing", "prod", "application", ("Rate", "1"));
            await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "billing", "application", r1);

            // The leader stops; the follower takes over (the leader resigns as it stops) and delivers the next publish.
            leader = relayingA.Relaying ? a : b;
            await leader.DisposeAsync();
            var taken = await WaitFor.ValueAsync(() => ReplicaAsync(followerAdmin), r => r.Relaying, TimeSpan.FromSeconds(20),
                "the remaining replica relays after the leader stopped");
            Assert.True(taken.RelayFencingToken > leading.RelayFencingToken, $"a new fencing token: {taken.RelayFencingToken} > {leading.RelayFencingToken}");
            var r2 = await apiFollower.PublishItemsAsync("billing", "prod", "application", ("Rate", "2"));
            var document = await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "billing", "application", r2);
            Assert.Equal("2", document.Items["Rate"]);
        }
        finally
        {
            if (!ReferenceEquals(leader, a)) await a.DisposeAsync();
        }
    }

    [Fact]
    public async Task PublishOnReplicaA_IsServedByReplicaBsApi_AndPushedByBsHub()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        var apiB = new ConfigCenterApiClient(await b.CreateAdminClientAsync());
        await apiA.CreateAppAsync("search", ("application", "properties"));
        var r1 = await apiA.PublishItemsAsync("search", "prod", "application", ("Shards", "3"));
        await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "search", "application", r1);
        // The key is issued by B, so B knows it whichever replica wrote the release.
        var key = await apiB.CreateApiKeyAsync("search", "prod");

        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(b.BaseAddress, ConfigHubRoutes.Hub), o => o.Headers[ConfigHubRoutes.ApiKeyHeader] = key)
            .Build();
        var pushed = new TaskCompletionSource<ReleaseDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<ReleaseDocument>(nameof(IConfigHubClient.ReleasePublished), d =>
        {
            if (d.Revision > r1) pushed.TrySetResult(d);
        });
        await hub.StartAsync();
        await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(nameof(IConfigHub.Subscribe), "search", "prod",
            new[] { "application" }, new Dictionary<string, long> { ["application"] = r1 }, new ClientInstanceInfo { InstanceId = "replica-b-client" });

        var r2 = await apiA.PublishItemsAsync("search", "prod", "application", ("Shards", "12"));

        var document = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(r2, document.Revision);
        Assert.Equal("12", document.Items["Shards"]);
        using var client = b.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var body = await WaitFor.ValueAsync(async () =>
        {
            using var response = await client.GetAsync("/api/v1/config/prod/search/application");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
        }, s => s.Contains("\"Shards\":\"12\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "B's read API serves r2 published on A");
        Assert.Contains($"\"revision\":{r2}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DraftEditOnReplicaA_ReachesEditorsOnReplicaB()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        await apiA.CreateAppAsync("catalog", ("application", "properties"));
        // What an open editor page on B subscribes to.
        var notifierOnB = (Features.Namespaces.DraftNotifier)b.Services.GetService(typeof(Features.Namespaces.DraftNotifier))!;
        var signalsOnB = b.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Features.Delivery.ReplicaSignals>().Single();
        await WaitFor.ConditionAsync(() => signalsOnB.Listening, TimeSpan.FromSeconds(10), "replica B listens for the other replicas");
        var seen = new TaskCompletionSource<Features.Namespaces.DraftChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        notifierOnB.DraftChanged += c =>
        {
            if (c.App == "catalog") seen.TrySetResult(c);
        };

        await apiA.SetAsync("catalog", "prod", "application", "Timeout", "30");

        var changed = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("catalog", "prod", "application", "admin"), (changed.App, changed.Env, changed.Namespace, changed.User));
        var draftVersion = await PostgresServer.ScalarAsync<long>(database, "SELECT \"Version\" FROM \"Drafts\" WHERE \"AppId\" = 'catalog' AND \"EnvironmentId\" = 'prod'");
        Assert.Equal(draftVersion, changed.Version);
    }

    [Fact]
    public async Task ApiKeyIssuedOnReplicaA_WorksOnReplicaB_UntilRevokedOnA()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        await apiA.CreateAppAsync("ledger", ("application", "properties"));
        var revision = await apiA.PublishItemsAsync("ledger", "prod", "application", ("Currency", "EUR"));
        await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "ledger", "application", revision);
        using var created = await apiA.Http.PostAsJsonAsync("/api/v1/apps/ledger/envs/prod/keys", new { name = "issued-on-a" });
        created.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var (id, key) = (body.GetProperty("id").GetInt32(), body.GetProperty("key").GetString()!);

        using var onB = b.CreateHttpClient();
        onB.DefaultRequestHeaders.Add("X-Api-Key", key);
        await WaitFor.ValueAsync(async () => (await onB.GetAsync("/api/v1/config/prod/ledger/application")).StatusCode,
            s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "replica B accepts the key issued on A");

        (await apiA.Http.DeleteAsync($"/api/v1/apps/ledger/envs/prod/keys/{id}")).EnsureSuccessStatusCode();
        await WaitFor.ValueAsync(async () => (await onB.GetAsync("/api/v1/config/prod/ledger/application")).StatusCode,
            s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10), "replica B refuses the key revoked on A");
    }

    [Fact]
    public async Task RelayThatLostLeadership_IsFencedOut_AndWritesNothing()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var settings = new Infrastructure.ConfigCenterServerOptions.EtcdSettings { Endpoints = [.. etcd.Endpoints], Prefix = prefix };
        await using var connection = new ConfigCenter.Etcd.EtcdConnection(Hosting.ServerServiceCollectionExtensions.EtcdClientOptionsFrom(settings));
        var writer = new Features.Delivery.EtcdReleaseWriter(connection, Microsoft.Extensions.Logging.Abstractions.NullLogger<Features.Delivery.EtcdReleaseWriter>.Instance);
        var election = new ConfigCenter.Etcd.EtcdElection(connection, Features.Delivery.OutboxRelay.RelayElectionName(prefix), TimeSpan.FromSeconds(5));
        var key = EtcdKeys.Config(prefix, "prod", "fenced", "application");
        Storage.Entities.OutboxEntity Row(long revision)
        {
            var items = new Dictionary<string, string?> { ["A"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            return new()
            {
                EtcdKey = key,
                Revision = revision,
                Document = JsonSerializer.SerializeToUtf8Bytes(new ReleaseDocument
                {
                    App = "fenced", Environment = "prod", Namespace = "application", Revision = revision, Format = "properties",
                    PublishedAt = DateTimeOffset.UtcNow, PublishedBy = "test", Message = $"r{revision}",
                    Checksum = ReleaseChecksum.Compute(items), Items = items,
                }, ContractsJsonContext.Wire.ReleaseDocument),
            };
        }

        await using var ownership = await election.CampaignAsync("old-leader", CancellationToken.None);
        await writer.WriteAsync([Row(1)], CancellationToken.None, ownership);
        Assert.Equal(1, (await EtcdDocuments.ReadAsync(etcd.Cluster, prefix, "prod", "fenced", "application"))!.Revision);

        // The leader key disappears (as when the lease expired during a pause): the next leader may already write.
        await etcd.Cluster.DeleteAsync(ownership.Key);
        await Assert.ThrowsAsync<Features.Delivery.RelayFencedException>(() => writer.WriteAsync([Row(2)], CancellationToken.None, ownership));
        Assert.Equal(1, (await EtcdDocuments.ReadAsync(etcd.Cluster, prefix, "prod", "fenced", "application"))!.Revision);
    }

    private static async Task<Replica> ReplicaAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/status");
        response.EnsureSuccessStatusCode();
        var replica = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("replica");
        return new Replica(replica.GetProperty("id").GetString()!, replica.GetProperty("relaying").GetBoolean(),
            replica.GetProperty("relayFencingToken").ValueKind == JsonValueKind.Number ? replica.GetProperty("relayFencingToken").GetInt64() : null);
    }

    private sealed record Replica(string Id, bool Relaying, long? RelayFencingToken);
}

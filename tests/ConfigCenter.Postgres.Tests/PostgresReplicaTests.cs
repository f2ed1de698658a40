using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Tests;

/// <summary>Several server replicas (real Kestrel hosts) on one real PostgreSQL database, meeting in a real etcd.</summary>
public sealed class PostgresReplicaTests(EtcdClusterFixture etcd, PostgresFixture postgres)
    : IClassFixture<EtcdClusterFixture>, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TwoReplicasStartingTogether_MigrateOnce_AndShareOneAdmin_AndOneSignInLockout()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var starting = new[]
        {
            ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix),
            ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix),
        };
        await using var a = await starting[0];
        await using var b = await starting[1];

        var applied = await PostgresServer.ScalarAsync<long>(database, "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"");
        var distinct = await PostgresServer.ScalarAsync<long>(database, "SELECT COUNT(DISTINCT \"MigrationId\") FROM \"__EFMigrationsHistory\"");
        Assert.True(applied > 0, "the PostgreSQL migrations were applied");
        Assert.Equal(distinct, applied);
        Assert.Equal(1, await PostgresServer.ScalarAsync<long>(database, "SELECT COUNT(*) FROM \"Users\""));

        // One admin, one password, one key ring: a token from A works on B.
        using var adminOnA = await a.CreateAdminClientAsync();
        using var onB = b.CreateHttpClient();
        onB.DefaultRequestHeaders.Authorization = adminOnA.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/v1/apps")).StatusCode);

        // One lockout: five failures (the default limit per user) spread over both replicas lock the user on both,
        // though neither replica saw five itself; an admin's unlock on B frees the user on A.
        var adminA = new ConfigCenterApiClient(adminOnA);
        const string Password = "spread-password-1";
        var id = await adminA.CreateUserAsync("spread", Password);
        using var anonymousA = a.CreateHttpClient();
        using var anonymousB = b.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await TokenAsync(i % 2 == 0 ? anonymousA : anonymousB, "spread", "wrong-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using (var lockedOnA = await TokenAsync(anonymousA, "spread", Password)) Assert.Equal(HttpStatusCode.TooManyRequests, lockedOnA.StatusCode);
        using (var lockedOnB = await TokenAsync(anonymousB, "SPREAD", Password)) Assert.Equal(HttpStatusCode.TooManyRequests, lockedOnB.StatusCode);
        var listed = JsonDocument.Parse(await onB.GetStringAsync("/api/v1/users")).RootElement.EnumerateArray()
            .Single(u => u.GetProperty("userName").GetString() == "spread");
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lockedUntil").ValueKind);
        Assert.Equal(1, await PostgresServer.ScalarAsync<long>(database,
            "SELECT COUNT(*) FROM \"SignInCounters\" WHERE \"Key\" = 'u:SPREAD' AND \"LockedUntil\" IS NOT NULL"));

        (await onB.PostAsync($"/api/v1/users/{id}/unlock", null)).EnsureSuccessStatusCode();
        using var afterUnlock = await TokenAsync(anonymousA, "spread", Password);
        Assert.Equal(HttpStatusCode.OK, afterUnlock.StatusCode);
    }

    [Fact]
    public async Task Postgres_WithoutEtcdEndpoints_RefusesToStart_NamingTheSetting()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartReplicaAsync(database, [], EtcdClusterFixtureBase.NewPrefix()));
        var validation = FindInner<OptionsValidationException>(e);
        Assert.NotNull(validation);
        Assert.Contains("ConfigCenter:Etcd:Endpoints", validation.Message, StringComparison.Ordinal);
        Assert.Contains("postgres", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentPublishesOnTwoReplicas_GetUniqueGapFreeRevisions_AllInEtcd()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await using var a = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        await using var b = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix);
        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        var apiB = new ConfigCenterApiClient(await b.CreateAdminClientAsync());
        await apiA.CreateAppAsync("orders", ("application", "properties"));

        // Both replicas edit and publish one namespace as fast as they can. A publish that finds its edit already
        // published by the other replica is a 409 "nothing to publish"; every other publish must get its own revision.
        const int PerReplica = 12;
        async Task<List<long>> PublishMany(ConfigCenterApiClient api, string replica)
        {
            var revisions = new List<long>();
            for (var i = 0; i < PerReplica; i++)
            {
                await api.SetAsync("orders", "prod", "application", $"Writer.{replica}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var response = await api.Http.PostAsJsonAsync(ConfigCenterApiClient.Ns("orders", "prod", "application") + "/releases", new { message = replica });
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Conflict && body.Contains("Nothing to publish", StringComparison.Ordinal)) continue;
                Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
                revisions.Add(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64());
            }
            return revisions;
        }
        var results = await Task.WhenAll(PublishMany(apiA, "a"), PublishMany(apiB, "b"));

        var all = results.SelectMany(r => r).Order().ToList();
        Assert.True(all.Count >= PerReplica, $"only {all.Count} publishes succeeded");
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all);
        Assert.Equal(all.Count, await PostgresServer.ScalarAsync<long>(database, "SELECT COUNT(DISTINCT \"Revision\") FROM \"Releases\""));
        Assert.Equal(all.Count, await PostgresServer.ScalarAsync<long>(database, "SELECT MAX(\"Revision\") FROM \"Releases\""));
        var newest = await EtcdDocuments.WaitForAsync(etcd.Cluster, prefix, "prod", "orders", "application", all.Count);
        Assert.Equal(all.Count, newest.Revision);
        await WaitFor.ConditionAsync(async () => await PostgresServer.ScalarAsync<long>(database,
            "SELECT COUNT(*) FROM \"Outbox\" WHERE \"DeliveredAt\" IS NULL") == 0, TimeSpan.FromSeconds(15), "every outbox row was delivered");

        var verify = await apiB.VerifyAuditAsync();
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("checked").GetInt32() >= all.Count, verify.ToString());
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password });

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(FindInner<T>).FirstOrDefault(x => x is not null) is { } inner) return inner;
        }
        return null;
    }
}

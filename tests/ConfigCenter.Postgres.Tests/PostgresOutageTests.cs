using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Testing;
using Npgsql;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// A replica whose PostgreSQL goes away (its own server here, stopped and started again): requests that need the store
/// answer 503 problem details with Retry-After, promptly, and succeed again once PostgreSQL is back, without a restart.
/// </summary>
public sealed class PostgresOutageTests(EtcdClusterFixture etcd, PostgresFixture postgres)
    : IClassFixture<EtcdClusterFixture>, IClassFixture<PostgresFixture>
{
    private const string Ns = "/api/v1/apps/outage/envs/prod/namespaces/application";

    [Fact]
    public async Task WhilePostgresIsDown_EditsPublishesAndReadsAnswer503_AndAfterItIsBackTheySucceed()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var server = await ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix());
        var api = new ConfigCenterApiClient(await server.CreateAdminClientAsync());
        await api.CreateAppAsync("outage", ("application", "properties"));
        var r1 = await api.PublishItemsAsync("outage", "prod", "application", ("A", "1"));

        await postgres.Server.StopAsync("fast");
        try
        {
            var clock = Stopwatch.StartNew();
            using (var put = await api.Http.PutAsJsonAsync($"{Ns}/items/A", new { value = "2" })) await AssertStoreUnavailableAsync(put);
            using (var publish = await api.Http.PostAsJsonAsync($"{Ns}/releases", new { message = "while down" })) await AssertStoreUnavailableAsync(publish);
            using (var read = await api.Http.GetAsync($"{Ns}/releases")) await AssertStoreUnavailableAsync(read);
            // Refused at once (connection refused), not after a connect timeout.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"three refusals took {clock.Elapsed.TotalSeconds:0.00} s");
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        // Back: the pool drops the connections PostgreSQL closed; a request may meet one of them once (503 again), then succeeds.
        await WaitFor.ConditionAsync(async () =>
        {
            using var put = await api.Http.PutAsJsonAsync($"{Ns}/items/A", new { value = "2" });
            if (put.StatusCode == HttpStatusCode.ServiceUnavailable) return false;
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            return true;
        }, TimeSpan.FromSeconds(30), "a draft edit succeeds after PostgreSQL is back");
        var r2 = await api.PublishAsync("outage", "prod", "application", "after the outage");
        Assert.Equal(r1 + 1, r2);
        Assert.Equal(2, await PostgresServer.ScalarAsync<long>(database,
            "SELECT COUNT(*) FROM \"Releases\" WHERE \"AppId\" = 'outage' AND \"EnvironmentId\" = 'prod' AND \"Namespace\" = 'application'"));
        Assert.True((await api.VerifyAuditAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public void StoreOutage_IsConnectionLossAndShutdown_NotAnErrorOfTheRequest()
    {
        Assert.True(StoreOutage.IsOutage(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(StoreOutage.IsOutage(new Microsoft.EntityFrameworkCore.DbUpdateException("save", new NpgsqlException("stream", new EndOfStreamException()))));
        Assert.True(StoreOutage.IsOutage(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)));
        Assert.True(StoreOutage.IsOutage(new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow)));
        Assert.True(StoreOutage.IsOutage(new PostgresException("connection failure", "FATAL", "FATAL", PostgresErrorCodes.ConnectionFailure)));
        Assert.False(StoreOutage.IsOutage(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.False(StoreOutage.IsOutage(new PostgresException("syntax", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError)));
        Assert.False(StoreOutage.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(StoreOutage.IsOutage(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)));
    }

    private static async Task AssertStoreUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Store unavailable", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(StoreOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
    }
}

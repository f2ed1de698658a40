using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Nothing is lost when etcd is down or loses data: the outbox and the start-up reconciliation deliver.</summary>
public sealed class DeliveryFaultTests
{
    [Fact]
    public async Task Publish_WhileEtcdIsDown_IsAcceptedAndDeliveredWhenEtcdReturns()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("payments", ("application", "properties"), ("limits", "properties"));
        await cluster.StopMemberAsync(0);

        for (var i = 1; i <= 5; i++)
        {
            (await api.SetItemAsync("payments", "prod", "application", "Version", $"v{i}")).EnsureSuccessStatusCode();
            Assert.Equal(i, await api.PublishAsync("payments", "prod", "application", $"publish {i} while etcd is down"));
        }
        (await api.SetItemAsync("payments", "prod", "limits", "Max", "10")).EnsureSuccessStatusCode();
        await api.PublishAsync("payments", "prod", "limits");

        await WaitFor.ConditionAsync(async () =>
        {
            var status = await api.GetJsonAsync("/api/v1/status");
            return status.GetProperty("outbox").GetProperty("pending").GetInt32() == 6
                && status.GetProperty("outbox").GetProperty("lastError").ValueKind == JsonValueKind.String
                && !status.GetProperty("etcd").GetProperty("reachable").GetBoolean();
        }, TimeSpan.FromSeconds(20), "/api/v1/status reports the 6 pending releases and the etcd error");

        await cluster.StartMemberAsync(0);

        var application = await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "prod", "payments", "application", 5, TimeSpan.FromSeconds(30));
        Assert.Equal("v5", application.Items["Version"]);
        var limits = await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "prod", "payments", "limits", 1);
        Assert.Equal("10", limits.Items["Max"]);
        await WaitFor.ConditionAsync(async () =>
            (await api.GetJsonAsync("/api/v1/status")).GetProperty("outbox").GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(10), "the outbox drains once etcd confirmed");
    }

    [Fact]
    public async Task Restart_WithReleasesMissingFromEtcd_ReconcilesAndRepublishesThem()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        var dataDirectory = Directory.CreateTempSubdirectory("configcenter-restart-").FullName;
        string prefix;
        await using (var first = await ConfigCenterServerHost.StartAsync(cluster.Endpoints, dataDirectory: dataDirectory))
        {
            prefix = first.Prefix;
            var api = new ConfigCenterApiClient(await first.CreateAdminClientAsync());
            await api.CreateAppAsync("inventory", ("application", "properties"), ("database", "yaml"));
            (await api.SetItemAsync("inventory", "test", "application", "Mode", "fast")).EnsureSuccessStatusCode();
            await api.PublishAsync("inventory", "test", "application");
            (await api.SetContentAsync("inventory", "test", "database", "pool:\n  size: 5\n")).EnsureSuccessStatusCode();
            await api.PublishAsync("inventory", "test", "database");
            (await api.SetContentAsync("inventory", "test", "database", "pool:\n  size: 9\n")).EnsureSuccessStatusCode();
            await api.PublishAsync("inventory", "test", "database");
            await EtcdDocuments.WaitForAsync(cluster, prefix, "test", "inventory", "database", 2);
        }

        // etcd loses one document and holds an older revision of the other.
        await cluster.DeleteAsync(Contracts.EtcdKeys.Config(prefix, "test", "inventory", "application"));
        var stale = (await EtcdDocuments.ReadAsync(cluster, prefix, "test", "inventory", "database"))! with { Revision = 1 };
        await cluster.PutAsync(Contracts.EtcdKeys.Config(prefix, "test", "inventory", "database"),
            JsonSerializer.Serialize(stale, Contracts.ContractsJsonContext.Default.ReleaseDocument));

        await using var second = await ConfigCenterServerHost.StartAsync(cluster.Endpoints, prefix: prefix, dataDirectory: dataDirectory);

        var application = await EtcdDocuments.WaitForAsync(cluster, prefix, "test", "inventory", "application", 1);
        Assert.Equal("fast", application.Items["Mode"]);
        var database = await EtcdDocuments.WaitForAsync(cluster, prefix, "test", "inventory", "database", 2);
        Assert.Equal("9", database.Items["pool:size"]);
    }

    [Fact]
    public async Task RelayReplay_NeverOverwritesANewerReleaseInEtcd()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("catalog", ("application", "properties"));
        (await api.SetItemAsync("catalog", "dev", "application", "A", "1")).EnsureSuccessStatusCode();
        await api.PublishAsync("catalog", "dev", "application");
        var key = Contracts.EtcdKeys.Config(host.Prefix, "dev", "catalog", "application");
        var delivered = await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "dev", "catalog", "application", 1);

        // Another writer (say, a replica that is ahead) already put r7 there.
        var newer = delivered with { Revision = 7, Message = "from elsewhere" };
        await cluster.PutAsync(key, JsonSerializer.Serialize(newer, Contracts.ContractsJsonContext.Default.ReleaseDocument));
        (await api.SetItemAsync("catalog", "dev", "application", "A", "2")).EnsureSuccessStatusCode();
        await api.PublishAsync("catalog", "dev", "application");
        await WaitFor.ConditionAsync(async () =>
            (await api.GetJsonAsync("/api/v1/status")).GetProperty("outbox").GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(10), "the relay processed r2");

        var stored = await EtcdDocuments.ReadAsync(cluster, host.Prefix, "dev", "catalog", "application");
        Assert.Equal(7, stored!.Revision);
        Assert.Equal("from elsewhere", stored.Message);
    }

    [Fact]
    public async Task RelayWrite_FromAStaleViewOfEtcd_ReReadsAndNeverOverwritesANewerRelease()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var options = Microsoft.Extensions.Options.Options.Create(new Infrastructure.ConfigCenterServerOptions
        {
            Etcd = { Endpoints = [.. cluster.Endpoints], Prefix = prefix },
        });
        await using var connection = new ConfigCenter.Etcd.EtcdConnection(Hosting.ServerServiceCollectionExtensions.EtcdClientOptionsFrom(options.Value.Etcd));
        // A writer without a watch: after its own write it believes etcd holds r1, and nothing tells it otherwise.
        var writer = new Features.Delivery.EtcdReleaseWriter(connection, Microsoft.Extensions.Logging.Abstractions.NullLogger<Features.Delivery.EtcdReleaseWriter>.Instance);
        var key = Contracts.EtcdKeys.Config(prefix, "dev", "catalog", "application");
        Storage.Entities.OutboxEntity Row(long revision, string message) => new()
        {
            EtcdKey = key,
            Revision = revision,
            Document = JsonSerializer.SerializeToUtf8Bytes(Document(revision, message), Contracts.ContractsJsonContext.Wire.ReleaseDocument),
        };

        await writer.WriteAsync([Row(1, "r1")], CancellationToken.None);
        Assert.Equal(1, (await EtcdDocuments.ReadAsync(cluster, prefix, "dev", "catalog", "application"))!.Revision);

        // Someone else puts r7; the writer's view (r1) is now stale, and its guarded write of r2 must not land.
        await cluster.PutAsync(key, JsonSerializer.Serialize(Document(7, "from elsewhere"), Contracts.ContractsJsonContext.Default.ReleaseDocument));
        await writer.WriteAsync([Row(2, "r2")], CancellationToken.None);
        var stored = await EtcdDocuments.ReadAsync(cluster, prefix, "dev", "catalog", "application");
        Assert.Equal(7, stored!.Revision);
        Assert.Equal("from elsewhere", stored.Message);

        // A newer release still goes through after the re-read.
        await writer.WriteAsync([Row(8, "r8")], CancellationToken.None);
        Assert.Equal(8, (await EtcdDocuments.ReadAsync(cluster, prefix, "dev", "catalog", "application"))!.Revision);
    }

    private static Contracts.ReleaseDocument Document(long revision, string message)
    {
        var items = new Dictionary<string, string?> { ["A"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new Contracts.ReleaseDocument
        {
            App = "catalog",
            Environment = "dev",
            Namespace = "application",
            Revision = revision,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "test",
            Message = message,
            Checksum = Contracts.ReleaseChecksum.Compute(items),
            Items = items,
        };
    }
}

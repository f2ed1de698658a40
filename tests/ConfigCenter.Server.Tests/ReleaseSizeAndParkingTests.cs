using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// No single release can jam delivery: the size limit is measured on the exact bytes etcd stores, documents carry
/// UTF-8 as is, and a release etcd refuses for good is parked while everything behind it keeps flowing.
/// </summary>
public sealed class ReleaseSizeAndParkingTests
{
    [Fact]
    public async Task Publish_OfNonAsciiValuesUnderTheLimit_IsStoredInEtcdAsUtf8_AndDelivered()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("shop", ("application", "properties"), ("other", "properties"));
        // 340,000 × '€' is 1,020,000 bytes of UTF-8; escaped as \u20AC it would be 2,040,000 bytes, over etcd's request limit.
        var euros = new string('€', 340_000);
        (await api.SetItemAsync("shop", "prod", "application", "Prices:Symbol", euros)).EnsureSuccessStatusCode();
        Assert.Equal(1, await api.PublishAsync("shop", "prod", "application"));
        (await api.SetItemAsync("shop", "prod", "other", "A", "1")).EnsureSuccessStatusCode();
        await api.PublishAsync("shop", "prod", "other");

        var stored = await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "prod", "shop", "application", 1, TimeSpan.FromSeconds(20));
        Assert.Equal(euros, stored.Items["Prices:Symbol"]);
        var raw = (await cluster.RangeAsync(EtcdKeys.Config(host.Prefix, "prod", "shop", "application"))).Single().Value;
        Assert.InRange(raw.Length, 1_020_000, 1_021_000);
        Assert.DoesNotContain("\\u20AC", System.Text.Encoding.UTF8.GetString(raw[..4096]), StringComparison.OrdinalIgnoreCase);
        await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "prod", "shop", "other", 1);
        var status = await api.GetJsonAsync("/api/v1/status");
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("pending").GetInt32());
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("parked").GetInt32());
    }

    // A release message can no longer push a document over the limit: it is capped at FieldLimits.MaxReleaseMessage
    // characters (FieldLimitTests), so only the items are left to measure here.
    [Theory]
    [InlineData("value")]
    public async Task Publish_WhoseDocumentIsOverTheLimit_Answers400WithSizeAndLimit_AndQueuesNothing(string what)
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("shop", ("application", "properties"));
        (await api.SetItemAsync("shop", "prod", "application", "Small", "1")).EnsureSuccessStatusCode();
        await api.PublishAsync("shop", "prod", "application");
        // 360,000 × '中' is 1,080,000 bytes: within the 1 MiB value limit by characters, over it as a document in bytes.
        var value = what == "value" ? new string('中', 360_000) : "2";
        var message = what == "message" ? new string('€', 700_000) : "too big";
        (await api.SetItemAsync("shop", "prod", "application", "Big", value)).EnsureSuccessStatusCode();

        using var response = await api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns("shop", "prod", "application")}/releases", new { message });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("bytes in etcd", detail, StringComparison.Ordinal);
        Assert.Contains("1,048,576", detail, StringComparison.Ordinal);
        var releases = await api.GetJsonAsync($"{ConfigCenterApiClient.Ns("shop", "prod", "application")}/releases");
        Assert.Equal(1, releases.GetArrayLength());
        var status = await api.GetJsonAsync("/api/v1/status");
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("pending").GetInt32());
        Assert.Equal(1, (await EtcdDocuments.ReadAsync(cluster, host.Prefix, "prod", "shop", "application"))!.Revision);
    }

    [Fact]
    public async Task ReleaseEtcdRefuses_IsParked_WhileOtherNamespacesAndItsNewerReleaseFlowInOrder()
    {
        // etcd with a 256 KiB request limit refuses a 300 KB release for good, as a stock etcd does past 1.5 MiB.
        await using var cluster = await EtcdCluster.StartAsync(1, arguments: _ => ["--max-request-bytes=262144"]);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        var namespaces = Enumerable.Range(0, 10).Select(i => ($"ns{i}", "properties")).Prepend(("big", "properties")).ToArray();
        await api.CreateAppAsync("shop", namespaces);
        var start = await cluster.RevisionAsync();

        (await api.SetItemAsync("shop", "dev", "big", "Blob", new string('x', 300_000))).EnsureSuccessStatusCode();
        Assert.Equal(1, await api.PublishAsync("shop", "dev", "big"));
        var parked = await WaitForParkedAsync(api, 1);
        var reason = parked[0].GetProperty("reason").GetString()!;
        Assert.Contains("too large", reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, parked[0].GetProperty("revision").GetInt64());

        // 50 releases of other namespaces, interleaved with a newer (small) release of the parked one.
        for (var round = 1; round <= 5; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                (await api.SetItemAsync("shop", "dev", $"ns{i}", "Round", $"{round}")).EnsureSuccessStatusCode();
                await api.PublishAsync("shop", "dev", $"ns{i}");
            }
            if (round == 3)
            {
                (await api.SetItemAsync("shop", "dev", "big", "Blob", "small now")).EnsureSuccessStatusCode();
                Assert.Equal(2, await api.PublishAsync("shop", "dev", "big"));
            }
        }

        for (var i = 0; i < 10; i++) await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "dev", "shop", $"ns{i}", 5, TimeSpan.FromSeconds(30));
        Assert.Equal("small now", (await EtcdDocuments.WaitForAsync(cluster, host.Prefix, "dev", "shop", "big", 2)).Items["Blob"]);
        await WaitForParkedAsync(api, 0);
        var status = await api.GetJsonAsync("/api/v1/status");
        Assert.Equal(0, status.GetProperty("outbox").GetProperty("pending").GetInt32());

        // Replay etcd's history: every namespace's revisions only ever moved forward.
        var end = await cluster.RevisionAsync();
        var seen = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        for (var revision = start + 1; revision <= end; revision++)
        {
            foreach (var (key, value, modRevision) in await cluster.RangeAsync(EtcdKeys.ConfigPrefix(host.Prefix, "dev", "shop"), revision))
            {
                if (modRevision != revision) continue;
                var document = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ReleaseDocument)!;
                (seen.TryGetValue(key, out var list) ? list : seen[key] = []).Add(document.Revision);
            }
        }
        Assert.Equal(11, seen.Count);
        foreach (var (key, revisions) in seen)
        {
            Assert.True(revisions.SequenceEqual(revisions.Order()), $"{key} went backwards: {string.Join(", ", revisions)}");
        }
        Assert.Equal([2L], seen[EtcdKeys.Config(host.Prefix, "dev", "shop", "big")]);
    }

    [Fact]
    public async Task ParkedRelease_CanBeRetriedAndDroppedByAnAdmin_AndBothAreAudited()
    {
        await using var cluster = await EtcdCluster.StartAsync(1, arguments: _ => ["--max-request-bytes=262144"]);
        await using var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints);
        var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
        await api.CreateAppAsync("shop", ("big", "properties"));
        (await api.SetItemAsync("shop", "dev", "big", "Blob", new string('x', 300_000))).EnsureSuccessStatusCode();
        await api.PublishAsync("shop", "dev", "big");
        var id = (await WaitForParkedAsync(api, 1))[0].GetProperty("id").GetInt64();
        var firstParkedAt = (await WaitForParkedAsync(api, 1))[0].GetProperty("parkedAt").GetDateTimeOffset();

        // Retry: etcd still refuses, so it is parked again (a later time), and delivery is not blocked meanwhile.
        using (var retry = await api.Http.PostAsync($"/api/v1/outbox/parked/{id}/retry", null)) Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        await WaitFor.ConditionAsync(async () =>
        {
            var rows = await api.GetJsonAsync("/api/v1/outbox/parked");
            return rows.GetArrayLength() == 1 && rows[0].GetProperty("parkedAt").GetDateTimeOffset() > firstParkedAt;
        }, TimeSpan.FromSeconds(15), "the retried row is tried and parked again");

        using (var drop = await api.Http.DeleteAsync($"/api/v1/outbox/parked/{id}")) Assert.Equal(HttpStatusCode.NoContent, drop.StatusCode);
        Assert.Equal(0, (await api.GetJsonAsync("/api/v1/outbox/parked")).GetArrayLength());
        using (var again = await api.Http.DeleteAsync($"/api/v1/outbox/parked/{id}")) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Null(await EtcdDocuments.ReadAsync(cluster, host.Prefix, "dev", "shop", "big"));
        var etcdKey = EtcdKeys.Config(host.Prefix, "dev", "shop", "big");
        foreach (var action in new[] { "outbox.retry", "outbox.drop" })
        {
            var entry = Assert.Single(await api.AuditEntriesAsync(action, etcdKey));
            Assert.Equal("admin", entry.GetProperty("actor").GetString());
            Assert.Equal("127.0.0.1", entry.GetProperty("address").GetString());
            Assert.Contains($"\"id\":{id}", entry.GetProperty("before").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> WaitForParkedAsync(ConfigCenterApiClient api, int count)
    {
        JsonElement rows = default;
        await WaitFor.ConditionAsync(async () =>
        {
            rows = await api.GetJsonAsync("/api/v1/outbox/parked");
            var status = await api.GetJsonAsync("/api/v1/status");
            return rows.GetArrayLength() == count && status.GetProperty("outbox").GetProperty("parked").GetInt32() == count;
        }, TimeSpan.FromSeconds(20), $"{count} parked release(s) in /api/v1/outbox/parked and /api/v1/status");
        return rows;
    }
}

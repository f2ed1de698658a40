namespace ConfigCenter.Testing.Tests;

public sealed class SingleMemberTests(EtcdClusterFixture fixture) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task Started_member_is_healthy_on_a_loopback_endpoint()
    {
        var cluster = fixture.Cluster;
        Assert.Single(cluster.Members);
        Assert.Single(cluster.Endpoints);
        Assert.Equal($"http://127.0.0.1:{cluster[0].ClientPort}", cluster.Endpoints[0]);
        Assert.Equal(cluster.Endpoints[0], fixture.EndpointsCsv);
        Assert.Equal("m0", cluster[0].Name);
        Assert.True(cluster[0].IsRunning);
        Assert.True(await cluster[0].IsHealthyAsync());
    }

    [Fact]
    public async Task Put_then_get_round_trips_the_value()
    {
        var key = EtcdClusterFixtureBase.NewPrefix() + "/config/prod/order/database";
        const string value = "{\"items\":{\"Pool:Size\":\"50\"},\"ünïcode\":\"✓\"}";

        var revision = await fixture.Cluster.PutAsync(key, value);

        Assert.True(revision > 1);
        Assert.Equal(value, await fixture.Cluster.GetAsync(key));
        Assert.Equal(value, await fixture.Cluster[0].GetAsync(key, serializable: true));
    }

    [Fact]
    public async Task Missing_key_reads_as_null_and_empty_value_as_empty()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        Assert.Null(await fixture.Cluster.GetAsync(prefix + "/missing"));

        await fixture.Cluster.PutAsync(prefix + "/empty", string.Empty);
        Assert.Equal(string.Empty, await fixture.Cluster.GetAsync(prefix + "/empty"));
    }

    [Fact]
    public async Task Revision_grows_with_every_write()
    {
        var key = EtcdClusterFixtureBase.NewPrefix() + "/k";
        var before = await fixture.Cluster.RevisionAsync();

        var written = await fixture.Cluster.PutAsync(key, "v");

        Assert.True(written > before);
        Assert.True(await fixture.Cluster.RevisionAsync() >= written);
    }

    [Fact]
    public async Task Delete_with_prefix_removes_every_key_under_it()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        await fixture.Cluster.PutAsync(prefix + "/a", "1");
        await fixture.Cluster.PutAsync(prefix + "/b", "2");
        await fixture.Cluster.PutAsync(prefix + "x", "outside");

        Assert.Equal(2, await fixture.Cluster.DeleteAsync(prefix + "/", prefix: true));
        Assert.Null(await fixture.Cluster.GetAsync(prefix + "/a"));
        Assert.Equal("outside", await fixture.Cluster.GetAsync(prefix + "x"));
    }

    [Fact]
    public async Task Leader_of_a_single_member_cluster_is_member_0()
    {
        Assert.Equal(0, await fixture.Cluster.LeaderIndexAsync());
    }
}

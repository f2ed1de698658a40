namespace ConfigCenter.Testing.Tests;

public sealed class ThreeMemberTests(EtcdClusterFixture3 fixture) : IClassFixture<EtcdClusterFixture3>
{
    [Fact]
    public async Task All_three_members_are_healthy_on_distinct_ports()
    {
        var cluster = fixture.Cluster;
        Assert.Equal(3, cluster.Members.Count);
        Assert.Equal(3, cluster.Endpoints.Distinct().Count());
        Assert.Equal(6, cluster.Members.SelectMany(m => new[] { m.ClientPort, m.PeerPort }).Distinct().Count());
        Assert.Equal(string.Join(',', cluster.Endpoints), cluster.EndpointsCsv);
        foreach (var member in cluster.Members)
        {
            Assert.True(await member.IsHealthyAsync(), $"{member} should be healthy");
        }
    }

    [Fact]
    public async Task A_write_through_one_member_is_visible_on_every_member()
    {
        var key = EtcdClusterFixtureBase.NewPrefix() + "/replicated";
        await fixture.Cluster[0].PutAsync(key, "everywhere");

        foreach (var member in fixture.Cluster.Members)
        {
            Assert.Equal("everywhere", await member.GetAsync(key));
        }
    }

    [Fact]
    public async Task Every_member_agrees_on_one_leader()
    {
        var leader = await fixture.Cluster.LeaderIndexAsync();
        Assert.InRange(leader, 0, 2);
        var statuses = await Task.WhenAll(fixture.Cluster.Members.Select(m => m.StatusAsync()));
        Assert.Single(statuses.Select(s => s.LeaderId).Distinct());
    }
}

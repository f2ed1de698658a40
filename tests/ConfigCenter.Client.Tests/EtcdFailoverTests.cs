using ConfigCenter.Client.Tests.Infrastructure;

namespace ConfigCenter.Client.Tests;

/// <summary>The etcd transport in a three-member cluster when the member it uses dies or freezes.</summary>
public sealed class EtcdFailoverTests(ServerWithEtcd3Fixture fixture) : IClassFixture<ServerWithEtcd3Fixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillingTheMemberInUse_MovesToAnotherMember_AndMissesNoRelease()
    {
        var app = ServerFixtureBase.NewApp("failover-kill");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "r1"));
        using var client = TestClient.Start(o => UseEtcd(o, app));
        var used = MemberInUse(client);

        await fixture.Etcd!.StopMemberAsync(used);
        try
        {
            await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "r2"));
            var last = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "r3"));

            await client.WaitAppliedAsync("application", last, Timeout);
            Assert.Equal("r3", client["Greeting"]);
            Assert.NotEqual(used, MemberInUse(client));
            Assert.Equal([last - 1, last], client.ChangeEvents.Select(c => c.NewRevision).ToArray());
        }
        finally
        {
            await fixture.Etcd.StartMemberAsync(used);
        }
    }

    [Fact]
    public async Task AFrozenMember_IsDetected_AndLeftForAnother()
    {
        var app = ServerFixtureBase.NewApp("failover-freeze");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "r1"));
        using var client = TestClient.Start(o => UseEtcd(o, app));
        var used = MemberInUse(client);

        await fixture.Etcd!.PauseMemberAsync(used);
        try
        {
            var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "r2"));

            await client.WaitAppliedAsync("application", revision, Timeout);
            Assert.Equal("r2", client["Greeting"]);
            Assert.NotEqual(used, MemberInUse(client));
            Assert.True(client.Logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "frozen"), "the frozen member was detected");
        }
        finally
        {
            await fixture.Etcd.ResumeMemberAsync(used);
        }
    }

    private int MemberInUse(TestClient client)
    {
        var endpoint = client.Runtime.Transports.Single(t => t.Name == "etcd").Endpoint;
        return fixture.Etcd!.Members.Single(m => m.Endpoint == endpoint).Index;
    }

    private void UseEtcd(ConfigCenterOptions o, string app)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [.. fixture.Etcd!.Endpoints];
        o.Etcd.Prefix = fixture.Server.Prefix;
    }
}

using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Tests;

/// <summary>The etcd transport against a real etcd and a real server publishing through its outbox.</summary>
public sealed class EtcdTransportTests(ServerWithEtcdFixture fixture) : IClassFixture<ServerWithEtcdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Publish_ViaEtcd_FiresOptionsChangeOnceWithTheNewValues()
    {
        var app = ServerFixtureBase.NewApp("etcd-publish");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "hello"), ("Pool:Size", "5"));
        using var client = TestClient.Start(o => UseEtcd(o, app));
        Assert.Equal("hello", client.Monitor.CurrentValue.Greeting);

        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hi"));

        await client.WaitAppliedAsync("application", revision);
        var change = Assert.Single(client.OptionChanges);
        Assert.Equal("hi", change["Greeting"]);
        Assert.Equal("5", change["Pool:Size"]);
        Assert.Equal(5, client.Monitor.CurrentValue.Pool.Size);
        var applied = Assert.Single(client.ChangeEvents);
        Assert.Equal(("application", revision - 1, revision, "etcd"), (applied.Namespace, applied.OldRevision, applied.NewRevision, applied.Source));
        Assert.Equal(["Greeting"], applied.ChangedKeys);
    }

    [Fact]
    public async Task DeletingAndAddingKeys_InOnePublish_AreBothSeen()
    {
        var app = ServerFixtureBase.NewApp("etcd-keys");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "hello"), ("Color", "red"));
        using var client = TestClient.Start(o => UseEtcd(o, app));

        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", null), ("Pool:Size", "7"));

        await client.WaitAppliedAsync("application", revision);
        Assert.Equal("7", client["Pool:Size"]);
        Assert.Null(client["Greeting"]);
        Assert.Null(client.Monitor.CurrentValue.Greeting);
        Assert.Equal("red", client.Monitor.CurrentValue.Color);
        var change = Assert.Single(client.OptionChanges);
        Assert.False(change.ContainsKey("Greeting"));
        Assert.Equal(["Greeting", "Pool:Size"], Assert.Single(client.ChangeEvents).ChangedKeys);
    }

    [Fact]
    public async Task JsonAndYamlNamespaces_FlattenAsTheJsonProviderWould_AndLaterNamespacesOverride()
    {
        const string json = """{ "Greeting": "hi", "Pool": { "Size": 10, "Enabled": true }, "Servers": [ "a", "b" ], "Empty": "" }""";
        var app = ServerFixtureBase.NewApp("etcd-docs");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "json"), ("database", "yaml"));
        await fixture.Api.SetDocumentAsync(app, "dev", "application", json);
        await fixture.Api.PublishAsync(app, "dev", "application");
        await fixture.Api.SetDocumentAsync(app, "dev", "database", "Pool:\n  Size: 20\nColor: blue\n");
        await fixture.WaitInEtcdAsync(app, "application", 1);
        await fixture.WaitInEtcdAsync(app, "database", await fixture.Api.PublishAsync(app, "dev", "database"));

        using var client = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.Namespaces = ["application", "database"];
        });
        Assert.Equal(2, client.Changes.AppliedRevisions.Count);

        var expected = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        foreach (var (key, value) in expected.AsEnumerable().Where(p => p.Value is not null && p.Key != "Pool:Size"))
        {
            Assert.Equal(value, client[key]);
        }
        Assert.Equal("20", client["Pool:Size"]);
        Assert.Equal("blue", client["color"]);
        Assert.Equal(20, client.Monitor.CurrentValue.Pool.Size);
    }

    [Fact]
    public async Task CompactionPastTheClientsRevision_ReReadsEverything()
    {
        var app = ServerFixtureBase.NewApp("etcd-compact");
        await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.PublishDeliveredAsync(app, "application", ("Greeting", "v1"), ("Color", "red"));
        await using var proxy = new TcpProxy(new Uri(fixture.Etcd!.Endpoints[0]));
        using var client = TestClient.Start(o =>
        {
            UseEtcd(o, app);
            o.Etcd.Endpoints = [proxy.Url];
        });
        Assert.Equal("v1", client["Greeting"]);

        proxy.Disconnect();
        await WaitFor.ConditionAsync(() => !client.Runtime.Transports[0].Connected, Timeout, "the client notices it is cut off");
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "v2"));
        var last = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "v3"), ("Color", null));
        await fixture.WaitInEtcdAsync(app, "application", last);
        await fixture.Etcd.CompactAsync();
        proxy.Reconnect();

        await client.WaitAppliedAsync("application", last);
        Assert.Equal("v3", client["Greeting"]);
        Assert.Null(client["Color"]);
        Assert.True(client.Logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "compacted"), "the client took the compaction path");
        Assert.Single(client.OptionChanges);
    }

    private void UseEtcd(ConfigCenterOptions o, string app)
    {
        o.App = app;
        o.Environment = "dev";
        o.Etcd.Endpoints = [.. fixture.Etcd!.Endpoints];
        o.Etcd.Prefix = fixture.Server.Prefix;
    }
}

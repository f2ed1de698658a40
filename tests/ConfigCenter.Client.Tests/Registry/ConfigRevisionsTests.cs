using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Testing;
using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>The registry entry carries the config revisions the instance applied through the config provider in the same process.</summary>
public sealed class ConfigRevisionsTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task AppliedRevisions_AreRegistered_AndFollowANewRelease()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix());
        var cache = Directory.CreateTempSubdirectory("cc-reg-cache-").FullName;
        try
        {
            await PublishAsync(settings, 1, "hello");
            await using var discovery = settings.Discovery();
            await using var service = await RegisteredService.StartAsync(settings, builder: b => b.Configuration.AddConfigCenter(o => o.CacheDirectory = cache));
            Assert.Equal("hello", service.App.Configuration["Greeting"]);

            var entry = await WaitFor.ValueAsync(() => Task.FromResult(RegistrySettings.All(discovery, "user")), l => l.Count == 1, TimeSpan.FromSeconds(5), "registered");
            Assert.Equal(1, entry[0].ConfigRevisions["application"]);

            await PublishAsync(settings, 2, "hi");

            await WaitFor.ConditionAsync(() => RegistrySettings.All(discovery, "user").SingleOrDefault()?.ConfigRevisions.GetValueOrDefault("application") == 2,
                TimeSpan.FromSeconds(5), "the new revision in the registry");
            // The registration carries the revisions: the config client's presence entry folded into it.
            Assert.DoesNotContain(RegistrySettings.All(discovery, "user"), PresenceMetadata.IsPresence);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>Writes a release document as the server's relay would.</summary>
    private async Task PublishAsync(RegistrySettings settings, long revision, string greeting)
    {
        var items = new Dictionary<string, string?> { ["Greeting"] = greeting };
        var document = new ReleaseDocument
        {
            App = "user",
            Environment = settings.Environment,
            Namespace = "application",
            Revision = revision,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "test",
            Checksum = ReleaseChecksum.Compute(items),
            Items = items,
        };
        await using var connection = new EtcdConnection(new EtcdClientOptions { Endpoints = [.. etcd.Endpoints] });
        var key = EtcdKeys.Config(settings.Prefix, settings.Environment, "user", "application");
        var value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Default.ReleaseDocument));
        await connection.CallAsync((invoker, o) => new KV.KVClient(invoker).PutAsync(new PutRequest { Key = EtcdRanges.Key(key), Value = value }, o).ResponseAsync, CancellationToken.None);
    }
}

using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>The one place releases are applied: dedup by revision, checksum, one reload per publish.</summary>
public sealed class ReleaseApplierTests : IDisposable
{
    private readonly List<Dictionary<string, string?>> _reloads = [];
    private readonly List<ConfigCenterChange> _changes = [];
    private readonly ClientMetrics _metrics = new("app", "dev", () => new Dictionary<string, long>(), []);
    private readonly CacheWriter _cache = new(new LastKnownGoodCache(Directory.CreateTempSubdirectory("cc-applier-").FullName, "app", "dev", NullLogger.Instance));
    private readonly ReleaseApplier _applier;

    public ReleaseApplierTests()
    {
        var options = new ConfigCenterOptions { App = "app", Environment = "dev", Namespaces = ["application", "database"] };
        _applier = new ReleaseApplier(options, _reloads.Add, _cache, _metrics, NullLogger.Instance);
        _applier.Subscribe(_changes.Add);
    }

    [Fact]
    public void TwoRevisionsOfOneNamespaceInOneBatch_AreAppliedAsTwoChanges_InOrder()
    {
        Assert.True(_applier.Offer([Doc("application", 3, "c"), Doc("application", 2, "b")], "etcd"));

        Assert.Equal([2L, 3L], _changes.Select(c => c.NewRevision));
        Assert.Equal(["b", "c"], _reloads.Select(r => r["Value"]));
    }

    [Fact]
    public void OlderOrEqualRevisions_AreNeverApplied_AndNamespacesLayerInOrder()
    {
        _applier.Offer([Doc("database", 1, "db"), Doc("application", 5, "app")], "hub");

        Assert.False(_applier.Offer([Doc("application", 5, "again"), Doc("application", 4, "older")], "etcd"));

        Assert.Equal("db", Assert.Single(_reloads)["value"]);
        Assert.Equal(5, _applier.ReceivedRevision("etcd", "application"));
    }

    [Fact]
    public void ADocumentWhoseChecksumDoesNotMatch_IsRejected()
    {
        var tampered = Doc("application", 1, "x") with { Items = new Dictionary<string, string?> { ["Value"] = "evil" } };

        Assert.False(_applier.Offer([tampered], "etcd"));
        Assert.Empty(_reloads);
    }

    private static ReleaseDocument Doc(string ns, long revision, string value)
    {
        var items = new Dictionary<string, string?> { ["Value"] = value };
        return new ReleaseDocument
        {
            App = "app",
            Environment = "dev",
            Namespace = ns,
            Revision = revision,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "test",
            Checksum = ReleaseChecksum.Compute(items),
            Items = items,
        };
    }

    public void Dispose()
    {
        _cache.Dispose();
        _metrics.Dispose();
    }
}

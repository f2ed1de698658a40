using ConfigCenter.Client.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>The last-known-good cache keeps a release's generation and still verifies the checksum.</summary>
public sealed class LastKnownGoodCacheTests
{
    private readonly LastKnownGoodCache _cache = new(Directory.CreateTempSubdirectory("cc-lkg-gen-").FullName, "app", "dev", NullLogger.Instance);

    [Fact]
    public void ACachedRelease_KeepsItsGeneration()
    {
        _cache.Write(ReleaseApplierTests.Doc("application", 1, "recreated", "0000000000020000bbbb"));

        var read = _cache.Read("application");

        Assert.NotNull(read);
        Assert.Equal(("0000000000020000bbbb", 1L, "recreated"), (read.Generation, read.Revision, read.Items["Value"]));
    }

    [Fact]
    public void ACachedRelease_WithItemsChangedOnDisk_IsIgnored_WhateverItsGeneration()
    {
        _cache.Write(ReleaseApplierTests.Doc("application", 1, "good", "0000000000020000bbbb"));
        var path = _cache.PathOf("application");
        File.WriteAllText(path, File.ReadAllText(path).Replace("good", "evil", StringComparison.Ordinal));

        Assert.Null(_cache.Read("application"));
    }
}

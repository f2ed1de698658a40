using System.Collections.Concurrent;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConfigCenter.Client.Tests;

/// <summary>The one place releases are applied: release order (revision, generation), checksum, one event per round.</summary>
public sealed class ReleaseApplierTests
{
    private const string OldGeneration = "0000000000010000aaaa";
    private const string NewGeneration = "0000000000020000bbbb";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<ReleasesApplied> _events = new();
    private readonly ReleaseApplier _applier = new(
        new ConfigCenterOptions { App = "app", Environment = "dev", Namespaces = ["application", "database"] }, NullLogger.Instance);

    public ReleaseApplierTests() => _applier.Applied += _events.Enqueue;

    private IEnumerable<ConfigCenterChange> Changes => _events.SelectMany(e => e.Changes);

    [Fact]
    public void TwoRevisionsOfOneNamespaceInOneBatch_AreAppliedAsTwoEvents_InOrder()
    {
        Assert.True(_applier.Offer([Doc("application", 3, "c"), Doc("application", 2, "b")], "etcd"));

        Assert.Equal([2L, 3L], Changes.Select(c => c.NewRevision));
        Assert.Equal(["b", "c"], _events.Select(e => e.Current["application"].Items["Value"]));
    }

    [Fact]
    public void OlderOrEqualRevisions_AreNeverApplied()
    {
        _applier.Offer([Doc("database", 1, "db"), Doc("application", 5, "app")], "hub");

        Assert.False(_applier.Offer([Doc("application", 5, "again"), Doc("application", 4, "older")], "etcd"));

        var only = Assert.Single(_events);
        Assert.Equal(["application", "database"], only.Releases.Select(r => r.Document.Namespace).Order());
        Assert.Equal("app", _applier.Current["application"].Items["Value"]);
    }

    [Fact]
    public void ADocumentWhoseChecksumDoesNotMatch_IsRejected()
    {
        var tampered = Doc("application", 1, "x") with { Items = new Dictionary<string, string?> { ["Value"] = "evil" } };

        Assert.False(_applier.Offer([tampered], "etcd"));
        Assert.Empty(_events);
        Assert.Empty(_applier.Current);
    }

    [Fact]
    public void ALowerRevisionOfANewerGeneration_IsApplied_AndReportsTheChangeFromTheOldRevision()
    {
        _applier.Offer([Doc("application", 3, "old-r3", OldGeneration)], "etcd");

        Assert.True(_applier.Offer([Doc("application", 1, "new-r1", NewGeneration)], "hub"));

        Assert.Equal(NewGeneration, _applier.Current["application"].Generation);
        Assert.Equal("new-r1", _applier.Current["application"].Items["Value"]);
        var change = Changes.Last();
        Assert.Equal(("app", "dev", "application", 3L, 1L, "hub"), (change.App, change.Environment, change.Namespace, change.OldRevision, change.NewRevision, change.Source));
        Assert.Equal(["Value"], change.ChangedKeys);
    }

    [Fact]
    public void AnOlderGeneration_IsNeverAppliedAgain_WhateverItsRevision()
    {
        _applier.Offer([Doc("application", 1, "new-r1", NewGeneration)], "etcd");

        Assert.False(_applier.Offer([Doc("application", 3, "old-r3", OldGeneration), Doc("application", 9, "old-r9", OldGeneration)], "hub"));

        Assert.Equal("new-r1", _applier.Current["application"].Items["Value"]);
        Assert.Single(_events);
    }

    [Fact]
    public void BothGenerationsInOneBatch_AreAppliedOldestFirst_EndingOnTheNewGeneration()
    {
        Assert.True(_applier.Offer([Doc("application", 1, "new-r1", NewGeneration), Doc("application", 3, "old-r3", OldGeneration)], "etcd"));

        Assert.Equal([(3L, OldGeneration), (1L, NewGeneration)], _events.Select(e => (e.Releases[0].Document.Revision, e.Releases[0].Document.Generation)));
        Assert.Equal(NewGeneration, _applier.Current["application"].Generation);
    }

    [Fact]
    public void ADocumentWithoutGeneration_IsReplacedByTheFirstGeneration_EvenAtALowerRevision()
    {
        _applier.Offer([Doc("application", 4, "before-generations")], "cache");

        Assert.True(_applier.Offer([Doc("application", 1, "recreated", NewGeneration)], "etcd"));

        Assert.Equal("recreated", _applier.Current["application"].Items["Value"]);
    }

    [Fact]
    public async Task AHandler_ThatWaitsForAnotherThreadUsingTheApplier_DoesNotDeadlock()
    {
        var reentered = new TaskCompletionSource<(bool Offered, int Applied)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _applier.Applied += e =>
        {
            if (e.Current["application"].Revision != 1) return;
            // Under a lock of the applier, this other thread's Offer (and a read of the state) would wait for this
            // handler, which waits for it: the bounded wait would time out instead of completing.
            var other = Task.Run(() => (_applier.Offer([Doc("application", 2, "from-handler")], "hub"), _applier.Current.Count));
            reentered.TrySetResult(other.Wait(Bounded) ? other.Result : (false, -1));
        };

        _applier.Offer([Doc("application", 1, "first")], "etcd");

        var (offered, applied) = await reentered.Task.WaitAsync(Bounded);
        Assert.True(offered, "the other thread's offer completed while the handler ran");
        Assert.Equal(1, applied);
        Assert.Equal([1L, 2L], Changes.Select(c => c.NewRevision));
        Assert.Equal("from-handler", _applier.Current["application"].Items["Value"]);
    }

    [Fact]
    public async Task ConcurrentOffers_DeliverTheirEventsOneAtATime_InApplyOrder()
    {
        var finished = new ConcurrentQueue<long>();
        var running = 0;
        var overlapped = false;
        using var firstIsRunning = new ManualResetEventSlim();
        using var secondOffered = new ManualResetEventSlim();
        _applier.Applied += e =>
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            var revision = e.Current["application"].Revision;
            if (revision == 1)
            {
                firstIsRunning.Set();
                secondOffered.Wait(Bounded);
            }
            finished.Enqueue(revision);
            Interlocked.Decrement(ref running);
        };

        var first = Task.Run(() => _applier.Offer([Doc("application", 1, "one")], "etcd"));
        Assert.True(firstIsRunning.Wait(Bounded), "the first event is being delivered");
        var second = Task.Run(() => _applier.Offer([Doc("application", 2, "two")], "hub"));
        Assert.True(await second.WaitAsync(Bounded), "the second offer returns while the first event is still delivered");
        secondOffered.Set();
        await first.WaitAsync(Bounded);
        await _applier.Delivered.WaitAsync(Bounded);

        Assert.Equal([1L, 2L], finished);
        Assert.False(overlapped, "two events were delivered at the same time");
    }

    [Fact]
    public void AFailingHandler_DoesNotStopTheOthers_NorUndoTheApply()
    {
        var seen = new List<long>();
        _applier.Applied += _ => throw new InvalidOperationException("listener bug");
        _applier.Applied += e => seen.Add(e.Current["application"].Revision);

        Assert.True(_applier.Offer([Doc("application", 1, "x")], "etcd"));

        Assert.Equal([1L], seen);
        Assert.Equal(1, _applier.Current["application"].Revision);
    }

    internal static ReleaseDocument Doc(string ns, long revision, string value, string generation = "")
    {
        var items = new Dictionary<string, string?> { ["Value"] = value };
        return new ReleaseDocument
        {
            App = "app",
            Environment = "dev",
            Namespace = ns,
            Revision = revision,
            Generation = generation,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "test",
            Checksum = ReleaseChecksum.Compute(items),
            Items = items,
        };
    }
}

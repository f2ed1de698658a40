using Bunit;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Shell;
using ConfigCenter.Server.Features.Status;

namespace ConfigCenter.UI.Tests;

public sealed class StatusBannerTests : UiTestContext
{
    private static ServerStatus Status(bool reachable, int pending, double? ageSeconds, string? error = null) => new(
        "etcd",
        new EtcdStatus(["http://127.0.0.1:2379"], "http://127.0.0.1:2379", reachable, [], error),
        new OutboxStatus(pending, ageSeconds is null ? null : DateTimeOffset.UtcNow.AddSeconds(-ageSeconds.Value), ageSeconds, error, null, null),
        1);

    [Fact]
    public void Banner_SaysEtcdIsUnreachable_AndHowManyReleasesWaitAndForHowLong()
    {
        var cut = Render<StatusBanner>(ps => ps.Add(p => p.Status, Status(reachable: false, pending: 3, ageSeconds: 125, error: "connection refused")));

        Assert.Contains("etcd is unreachable: connection refused", cut.Find("[data-testid=etcd-banner]").TextContent);
        Assert.Contains("3 releases are waiting for delivery to etcd (oldest 2 min old)", cut.Find("[data-testid=outbox-banner]").TextContent);
    }

    [Fact]
    public void Banner_IsHidden_WhenEtcdIsReachableAndNothingWaits()
    {
        var cut = Render<StatusBanner>(ps => ps.Add(p => p.Status, Status(reachable: true, pending: 0, ageSeconds: null)));

        Assert.Empty(cut.FindAll("[data-testid=etcd-banner]"));
        Assert.Empty(cut.FindAll("[data-testid=outbox-banner]"));
    }

    [Fact]
    public void Banner_ListsParkedReleasesWithTheirReason_AndRetryAndDropReportTheRow()
    {
        var parked = new ParkedRelease(42, "/configcenter/config/prod/shop/big", 3, 2_000_000, "InvalidArgument: etcdserver: request is too large",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var status = new ServerStatus("etcd", new EtcdStatus(["http://127.0.0.1:2379"], "http://127.0.0.1:2379", true, [], null),
            new OutboxStatus(0, null, null, null, null, null, 1, [parked]), 1);
        long? retried = null, dropped = null;
        var cut = Render<StatusBanner>(ps => ps
            .Add(p => p.Status, status)
            .Add(p => p.OnRetry, id => retried = id)
            .Add(p => p.OnDrop, id => dropped = id));

        var banner = cut.Find("[data-testid=parked-banner]").TextContent;
        Assert.Contains("1 release was refused by etcd and parked", banner, StringComparison.Ordinal);
        Assert.Contains("/configcenter/config/prod/shop/big", banner, StringComparison.Ordinal);
        Assert.Contains("r3, 1.91 MiB: InvalidArgument: etcdserver: request is too large", banner, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=outbox-banner]"));
        cut.Find("[data-testid=parked-retry]").Click();
        cut.Find("[data-testid=parked-drop]").Click();
        Assert.Equal((42L, 42L), (retried, dropped));
    }

    [Fact]
    public void Banner_IsHidden_InStandaloneMode()
    {
        var cut = Render<StatusBanner>(ps => ps.Add(p => p.Status, new ServerStatus("standalone", null, new OutboxStatus(0, null, null, null, null, null), 0)));

        Assert.Empty(cut.FindAll(".mud-alert"));
    }
}

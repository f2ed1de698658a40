using Bunit;
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
    public void Banner_IsHidden_InStandaloneMode()
    {
        var cut = Render<StatusBanner>(ps => ps.Add(p => p.Status, new ServerStatus("standalone", null, new OutboxStatus(0, null, null, null, null, null), 0)));

        Assert.Empty(cut.FindAll(".mud-alert"));
    }
}

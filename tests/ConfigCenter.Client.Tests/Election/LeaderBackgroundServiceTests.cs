using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Etcd;
using ConfigCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Tests.Election;

/// <summary>LeaderBackgroundService on two real hosts against real etcd: only the leader works; the work moves when it stops.</summary>
public sealed class LeaderBackgroundServiceTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WorkRunsOnlyOnTheLeader_AndMovesToTheOtherInstanceWhenTheLeaderStops()
    {
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var ledger = new WorkLedger();
        using var first = await StartAsync(prefix, "a", ledger);
        await WaitFor.ConditionAsync(() => ledger.Ticks("a") > 0, Timeout, "the first instance leads and works");
        using var second = await StartAsync(prefix, "b", ledger);

        // While a leads, b only campaigns: a keeps working, b never does.
        var ticks = ledger.Ticks("a");
        await WaitFor.ConditionAsync(() => ledger.Ticks("a") > ticks + 5, Timeout, "the leader keeps working");
        Assert.Equal(0, ledger.Ticks("b"));
        Assert.Equal(1, ledger.Leaders);

        await first.StopAsync();

        await WaitFor.ConditionAsync(() => ledger.Ticks("b") > 0, TimeSpan.FromSeconds(5), "the work moved to the second instance once the leader stopped");
        Assert.False(ledger.IsRunning("a"));
        Assert.Equal(1, ledger.Leaders);
        await second.StopAsync();
    }

    private async Task<IHost> StartAsync(string prefix, string instance, WorkLedger ledger)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = EmptyContentRoot.Path });
        var values = new Dictionary<string, string?>
        {
            ["ConfigCenter:App"] = "reports",
            ["ConfigCenter:Environment"] = "dev",
            ["ConfigCenter:Etcd:Prefix"] = prefix,
            ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
        };
        for (var i = 0; i < etcd.Endpoints.Count; i++) values[$"ConfigCenter:Etcd:Endpoints:{i}"] = etcd.Endpoints[i];
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddConfigCenterLeaderElection("nightly-report", TimeSpan.FromSeconds(3));
        builder.Services.AddHostedService(sp => new ReportJob(sp.GetRequiredService<ILeaderElection>(),
            sp.GetRequiredService<ILogger<ReportJob>>(), ledger, instance));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class ReportJob(ILeaderElection election, ILogger<ReportJob> logger, WorkLedger ledger, string instance)
        : LeaderBackgroundService(election, logger)
    {
        protected override async Task ExecuteAsLeaderAsync(EtcdOwnership leadership, CancellationToken ct)
        {
            ledger.Started(instance);
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    ledger.Tick(instance);
                    await Task.Delay(WaitFor.PollInterval, ct);
                }
            }
            finally
            {
                ledger.Stopped(instance);
            }
        }
    }

    /// <summary>What each instance did; <see cref="Leaders"/> is the most instances ever working at once.</summary>
    private sealed class WorkLedger
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, int> _ticks = [];
        private readonly HashSet<string> _running = [];

        public int Leaders { get; private set; }

        public int Ticks(string instance)
        {
            lock (_gate) return _ticks.GetValueOrDefault(instance);
        }

        public bool IsRunning(string instance)
        {
            lock (_gate) return _running.Contains(instance);
        }

        public void Started(string instance)
        {
            lock (_gate)
            {
                _running.Add(instance);
                Leaders = Math.Max(Leaders, _running.Count);
            }
        }

        public void Stopped(string instance)
        {
            lock (_gate) _running.Remove(instance);
        }

        public void Tick(string instance)
        {
            lock (_gate) _ticks[instance] = _ticks.GetValueOrDefault(instance) + 1;
        }
    }
}

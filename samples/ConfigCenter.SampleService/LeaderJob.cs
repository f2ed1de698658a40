using ConfigCenter.Client;
using ConfigCenter.Etcd;

namespace ConfigCenter.SampleService;

/// <summary>
/// A background job only the leader of the <c>sample-job</c> election runs: every tick it counts once. The other
/// instances wait as candidates and take over when the leader stops (at once) or dies (after the lease TTL).
/// <c>GET /leader</c> shows this instance's state.
/// </summary>
public sealed class LeaderJob(ILeaderElection election, LeaderJobState state, IConfiguration configuration, ILogger<LeaderJob> logger)
    : LeaderBackgroundService(election, logger)
{
    /// <summary>The election the sample's instances share.</summary>
    public const string Election = "sample-job";

    private readonly TimeSpan _interval = configuration.GetValue("Sample:Leader:TickInterval", TimeSpan.FromSeconds(1));

    protected override async Task ExecuteAsLeaderAsync(EtcdOwnership leadership, CancellationToken ct)
    {
        state.Lead(leadership.FencingToken);
        try
        {
            using var timer = new PeriodicTimer(_interval);
            do
            {
                var ticks = state.Tick();
                if (ticks % 10 == 1) logger.LogInformation("Leader job tick {Ticks} (fencing token {Token})", ticks, leadership.FencingToken);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        finally
        {
            state.Follow();
        }
    }
}

/// <summary>What <c>GET /leader</c> shows: whether this instance leads and how many ticks its job ran.</summary>
public sealed class LeaderJobState
{
    private long _ticks;
    private long _fencingToken;
    private volatile bool _leading;

    public bool IsLeader => _leading;

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>The fencing token of the current term; 0 while not leading.</summary>
    public long FencingToken => _leading ? Interlocked.Read(ref _fencingToken) : 0;

    internal void Lead(long token)
    {
        Interlocked.Exchange(ref _fencingToken, token);
        _leading = true;
    }

    internal void Follow() => _leading = false;

    internal long Tick() => Interlocked.Increment(ref _ticks);
}

/// <summary>The answer of <c>GET /leader</c>.</summary>
public sealed record LeaderStatus(string Instance, bool IsLeader, long Ticks, long FencingToken);

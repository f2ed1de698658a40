using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ConfigCenter.Testing;

/// <summary>
/// A real etcd cluster of 1..n local <c>etcd</c> processes on free loopback ports, each with its own
/// temporary data directory. Dispose kills every process and deletes the directories; processes still
/// alive when the test host exits are killed by an <see cref="AppDomain.ProcessExit"/> handler.
/// </summary>
public sealed partial class EtcdCluster : IAsyncDisposable
{
    /// <summary>How long a member may take to answer <c>/health</c> with <c>"health":"true"</c>.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(30);

    private const int MaxStartAttempts = 5;
    private static readonly ConcurrentDictionary<EtcdCluster, byte> Live = new();
    private static readonly Lazy<string> EtcdPath = new(LocateEtcd);
    private static int processExitHooked;

    private readonly EtcdMember[] members;
    private readonly SemaphoreSlim gate = new(1, 1);
    private int disposed;
    private Func<EtcdMember, IEnumerable<string>> extraArguments = _ => [];

    private EtcdCluster(string rootDir, string token, EtcdMember[] members)
    {
        RootDir = rootDir;
        ClusterToken = token;
        this.members = members;
        Endpoints = members.Select(m => m.Endpoint).ToArray();
        EndpointsCsv = string.Join(',', Endpoints);
    }

    /// <summary>The members, in index order.</summary>
    public IReadOnlyList<EtcdMember> Members => members;

    /// <summary>Member <paramref name="index"/>.</summary>
    public EtcdMember this[int index] => members[index];

    /// <summary>Client URLs of all members (<c>http://127.0.0.1:PORT</c>), stable across stop/start.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Client URLs of all members, comma-separated.</summary>
    public string EndpointsCsv { get; }

    /// <summary>The unique <c>--initial-cluster-token</c> of this cluster.</summary>
    public string ClusterToken { get; }

    /// <summary>Temporary directory holding every member's data directory.</summary>
    public string RootDir { get; }

    /// <summary>The etcd binary used (from PATH, else <c>/usr/bin/etcd</c>).</summary>
    public static string EtcdExecutable => EtcdPath.Value;

    /// <summary>
    /// Starts a new cluster of <paramref name="members"/> members and waits until every member is healthy.
    /// Retries with fresh ports when a port was taken between choosing and binding it.
    /// </summary>
    /// <param name="members">How many members.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="arguments">
    /// More etcd flags per member, after the fixture's own (a later flag wins), e.g. <c>_ =&gt; ["--auth-token-ttl=2"]</c>.
    /// </param>
    public static async Task<EtcdCluster> StartAsync(int members = 1, CancellationToken ct = default, Func<EtcdMember, IEnumerable<string>>? arguments = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        _ = EtcdPath.Value; // fail fast with a clear message when etcd is not installed
        HookProcessExit();

        for (var attempt = 1; ; attempt++)
        {
            var cluster = Create(members);
            cluster.extraArguments = arguments ?? (_ => []);
            Live.TryAdd(cluster, 0);
            try
            {
                foreach (var member in cluster.members)
                {
                    cluster.Launch(member, "new");
                }

                await cluster.WaitHealthyAsync(cluster.members, HealthTimeout, ct).ConfigureAwait(false);
                return cluster;
            }
            catch (Exception ex) when (attempt < MaxStartAttempts && cluster.members.Any(m => m.OutputContains("address already in use")))
            {
                Trace.WriteLine($"etcd cluster start hit a port race, retrying: {ex.Message}");
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Kills member <paramref name="index"/> (SIGKILL); its data directory and ports are kept.</summary>
    public async Task StopMemberAsync(int index)
    {
        var member = members[index];
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await KillAsync(member).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Restarts a stopped member on the same ports and data directory (<c>--initial-cluster-state existing</c>)
    /// and waits until it is healthy.
    /// </summary>
    public async Task StartMemberAsync(int index, CancellationToken ct = default)
    {
        var member = members[index];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (member.IsRunning)
            {
                throw new InvalidOperationException($"etcd member {member.Name} is already running.");
            }

            for (var attempt = 1; ; attempt++)
            {
                Launch(member, "existing");
                try
                {
                    await WaitHealthyAsync([member], HealthTimeout, ct).ConfigureAwait(false);
                    return;
                }
                catch (Exception) when (attempt < MaxStartAttempts && member.OutputContains("address already in use"))
                {
                    // Someone grabbed the port while the member was down; it usually frees up quickly.
                    await KillAsync(member).ConfigureAwait(false);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Restarts every stopped member at once and waits until all are healthy: a cluster that lost its quorum cannot
    /// become healthy one member at a time, so <see cref="StartMemberAsync"/> in turn would wait forever on the first.
    /// </summary>
    public async Task StartStoppedMembersAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var stopped = members.Where(m => !m.IsRunning).ToArray();
            foreach (var member in stopped)
            {
                Launch(member, "existing");
            }

            await WaitHealthyAsync(stopped, HealthTimeout, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Freezes member <paramref name="index"/> with SIGSTOP (a hung, not crashed, member).</summary>
    public async Task PauseMemberAsync(int index)
    {
        var member = members[index];
        if (!member.IsRunning)
        {
            throw new InvalidOperationException($"etcd member {member.Name} is not running.");
        }

        await SignalAsync(member, "STOP").ConfigureAwait(false);
        member.IsPaused = true;
    }

    /// <summary>Resumes a paused member with SIGCONT and waits until it is healthy again.</summary>
    public async Task ResumeMemberAsync(int index)
    {
        var member = members[index];
        if (!member.IsRunning)
        {
            throw new InvalidOperationException($"etcd member {member.Name} is not running.");
        }

        await SignalAsync(member, "CONT").ConfigureAwait(false);
        member.IsPaused = false;
        await WaitHealthyAsync([member], HealthTimeout, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Waits until every running, unpaused member answers <c>/health</c> with <c>"health":"true"</c>.</summary>
    public Task WaitHealthyAsync(CancellationToken ct = default) =>
        WaitHealthyAsync(members.Where(m => m.IsRunning && !m.IsPaused).ToArray(), HealthTimeout, ct);

    /// <summary>Kills every process and deletes every data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var member in members)
        {
            await KillAsync(member).ConfigureAwait(false);
        }

        DeleteDirectory(RootDir);
        Live.TryRemove(this, out _);
        gate.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"etcd cluster {ClusterToken}: {string.Join(", ", members.Select(m => m.ToString()))}";

    private static EtcdCluster Create(int count)
    {
        var root = Directory.CreateTempSubdirectory("configcenter-etcd-").FullName;
        var token = $"cc-test-{Guid.NewGuid():N}";
        var ports = FreePort.Get(count * 2);
        var list = new EtcdMember[count];
        for (var i = 0; i < count; i++)
        {
            // etcd creates the data directory itself, with the 0700 permission it insists on.
            list[i] = new EtcdMember(i, ports[2 * i], ports[(2 * i) + 1], Path.Combine(root, $"m{i}.etcd"));
        }

        return new EtcdCluster(root, token, list);
    }

    private void Launch(EtcdMember member, string clusterState)
    {
        var initialCluster = string.Join(',', members.Select(m => $"{m.Name}={m.PeerUrl}"));
        var psi = new ProcessStartInfo(EtcdPath.Value)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        foreach (var arg in new[]
                 {
                     "--name", member.Name,
                     "--data-dir", member.DataDir,
                     "--listen-client-urls", member.Endpoint,
                     "--advertise-client-urls", member.Endpoint,
                     "--listen-peer-urls", member.PeerUrl,
                     "--initial-advertise-peer-urls", member.PeerUrl,
                     "--initial-cluster", initialCluster,
                     "--initial-cluster-state", clusterState,
                     "--initial-cluster-token", ClusterToken,
                     "--heartbeat-interval", "50",
                     "--election-timeout", "500",
                     "--logger=zap",
                     "--log-outputs=stderr",
                     "--log-level=error",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArguments(member))
        {
            psi.ArgumentList.Add(arg);
        }

        // Environment variables such as ETCD_DATA_DIR would override or conflict with the flags.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToArray())
        {
            psi.Environment.Remove(name);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) => member.Capture(e.Data);
        process.OutputDataReceived += (_, e) => member.Capture(e.Data);
        member.Capture($"--- starting {member.Name} ({clusterState}) at {DateTime.UtcNow:O}");
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {EtcdPath.Value}.");
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        member.Process = process;
        member.IsPaused = false;
    }

    private async Task WaitHealthyAsync(IReadOnlyList<EtcdMember> targets, TimeSpan timeout, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var pending = targets.ToList();
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var member in pending.ToArray())
            {
                if (!member.IsRunning)
                {
                    throw new InvalidOperationException(
                        $"etcd member {member.Name} ({member.Endpoint}) exited before becoming healthy. Output:\n{member.CapturedOutput}");
                }

                if (await member.IsHealthyAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false))
                {
                    pending.Remove(member);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (stopwatch.Elapsed > timeout)
            {
                var details = new StringBuilder();
                foreach (var member in pending)
                {
                    details.Append(CultureInfo.InvariantCulture, $"\n--- {member.Name} ({member.Endpoint}) output:\n{member.CapturedOutput}");
                }

                throw new TimeoutException(
                    $"etcd member(s) {string.Join(", ", pending.Select(m => m.Name))} did not report \"health\":\"true\" within {timeout.TotalSeconds:0} s.{details}");
            }

            await Task.Delay(WaitFor.PollInterval, ct).ConfigureAwait(false);
        }
    }

}

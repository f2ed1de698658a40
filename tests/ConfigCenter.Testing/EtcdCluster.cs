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
public sealed class EtcdCluster : IAsyncDisposable
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
    public static async Task<EtcdCluster> StartAsync(int members = 1, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        _ = EtcdPath.Value; // fail fast with a clear message when etcd is not installed
        HookProcessExit();

        for (var attempt = 1; ; attempt++)
        {
            var cluster = Create(members);
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

    /// <summary>
    /// Compacts the key-value history up to the current revision (physically) and returns that revision.
    /// Reads older than it then fail with "required revision has been compacted".
    /// </summary>
    public Task<long> CompactAsync(CancellationToken ct = default) =>
        OnAnyMemberAsync(
            async member =>
            {
                var revision = await member.RevisionAsync(ct).ConfigureAwait(false);
                try
                {
                    using var _ = await EtcdGateway.PostAsync(
                        member.Endpoint,
                        "/v3/kv/compaction",
                        new Dictionary<string, object> { ["revision"] = revision, ["physical"] = true },
                        TimeSpan.FromSeconds(10),
                        ct).ConfigureAwait(false);
                }
                catch (EtcdGatewayException ex) when (ex.Body.Contains("compacted", StringComparison.OrdinalIgnoreCase))
                {
                    // Already compacted at this revision: nothing to do.
                }

                return revision;
            },
            ct);

    /// <summary>Reads a key (linearizable) through the first reachable member; null when absent.</summary>
    public Task<string?> GetAsync(string key, CancellationToken ct = default) =>
        OnAnyMemberAsync(m => m.GetAsync(key, serializable: false, ct), ct);

    /// <summary>Writes a key through the first reachable member; returns the revision of the write.</summary>
    public Task<long> PutAsync(string key, string value, CancellationToken ct = default) =>
        OnAnyMemberAsync(m => m.PutAsync(key, value, ct), ct);

    /// <summary>Deletes a key (or every key under a prefix) through the first reachable member.</summary>
    public Task<long> DeleteAsync(string key, bool prefix = false, CancellationToken ct = default) =>
        OnAnyMemberAsync(m => m.DeleteAsync(key, prefix, ct), ct);

    /// <summary>Current store revision, through the first reachable member.</summary>
    public Task<long> RevisionAsync(CancellationToken ct = default) =>
        OnAnyMemberAsync(m => m.RevisionAsync(ct), ct);

    /// <summary>Index of the current leader, as reported by the first reachable member.</summary>
    public async Task<int> LeaderIndexAsync(CancellationToken ct = default)
    {
        var ids = new Dictionary<string, int>();
        string? leader = null;
        foreach (var member in members.Where(m => m.IsRunning && !m.IsPaused))
        {
            try
            {
                var (memberId, leaderId) = await member.StatusAsync(ct).ConfigureAwait(false);
                ids[memberId] = member.Index;
                if (leaderId is not ("" or "0"))
                {
                    leader ??= leaderId;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or EtcdGatewayException)
            {
                // unreachable member: ask the others
            }
        }

        return leader is not null && ids.TryGetValue(leader, out var index)
            ? index
            : throw new InvalidOperationException("No reachable etcd member reports a reachable leader.");
    }

    /// <summary>
    /// Waits until every running, unpaused member reports the same leader and that leader is one of them
    /// (e.g. after stopping the leader), and returns its index.
    /// </summary>
    public Task<int> WaitForLeaderAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitFor.ValueAsync(
            async () =>
            {
                var reachable = members.Where(m => m.IsRunning && !m.IsPaused).ToArray();
                var statuses = await Task.WhenAll(reachable.Select(m => m.StatusAsync(ct))).ConfigureAwait(false);
                var leaders = statuses.Select(s => s.LeaderId).Distinct().ToArray();
                var index = Array.FindIndex(statuses, s => leaders.Length == 1 && s.MemberId == leaders[0]);
                return index < 0 ? -1 : reachable[index].Index;
            },
            index => index >= 0,
            timeout ?? HealthTimeout,
            "the running etcd members agree on a leader among themselves",
            ct);

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

    private async Task<T> OnAnyMemberAsync<T>(Func<EtcdMember, Task<T>> operation, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (!members.Any(m => m.IsRunning && !m.IsPaused))
            {
                throw new InvalidOperationException($"No etcd member is running (all stopped or paused). {this}");
            }

            foreach (var member in members)
            {
                if (!member.IsRunning || member.IsPaused)
                {
                    continue;
                }

                try
                {
                    return await operation(member).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or TimeoutException || ex is EtcdGatewayException { IsTransient: true })
                {
                    last = ex; // unreachable, no leader yet, leader changed: try the next member
                }
            }

            await Task.Delay(WaitFor.PollInterval, ct).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"No etcd member could serve the request. {this}", last);
    }

    private static async Task KillAsync(EtcdMember member)
    {
        var process = member.Process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL also ends a SIGSTOPped process
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // already gone, or not reaped in time; nothing more we can do
        }
        finally
        {
            process.Dispose();
            member.Process = null;
            member.IsPaused = false;
        }
    }

    private static async Task SignalAsync(EtcdMember member, string signal)
    {
        var pid = member.ProcessId ?? throw new InvalidOperationException($"etcd member {member.Name} is not running.");

        // The shell's kill builtin: /usr/bin/kill (procps) is not on a minimal Debian.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"kill -{signal} {pid.ToString(CultureInfo.InvariantCulture)}");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        var stderr = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({process.ExitCode}): {stderr}");
        }
    }

    private static string LocateEtcd()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "etcd");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        if (File.Exists("/usr/bin/etcd"))
        {
            return "/usr/bin/etcd";
        }

        throw new InvalidOperationException(
            "The etcd binary was not found on PATH nor at /usr/bin/etcd. Install it (Debian/Ubuntu: " +
            "`sudo apt-get install -y etcd-server etcd-client`, or run `./build.sh test`, which installs it).");
    }

    private static void HookProcessExit()
    {
        if (Interlocked.Exchange(ref processExitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllNow();
        }
    }

    private static void KillAllNow()
    {
        foreach (var cluster in Live.Keys)
        {
            foreach (var member in cluster.members)
            {
                try
                {
                    member.Process?.Kill(entireProcessTree: true);
                    member.Process?.WaitForExit(2000);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // already gone
                }
            }

            DeleteDirectory(cluster.RootDir);
        }
    }

    private static void DeleteDirectory(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(50); // a just-killed process may still hold files for a moment
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace ConfigCenter.Testing;

/// <summary>An etcd user for an application: its password and the role that gives it readwrite on one key prefix.</summary>
/// <param name="Name">The user name.</param>
/// <param name="Password">Its password.</param>
/// <param name="Role">The role created for it.</param>
/// <param name="KeyPrefix">The key prefix the role may read and write (e.g. <c>/cc/</c>).</param>
public sealed record EtcdUser(string Name, string Password, string Role, string KeyPrefix);

/// <summary>Authentication: turning it on with <c>etcdctl</c>, and signing the gateway helpers in.</summary>
public sealed partial class EtcdCluster
{
    /// <summary>etcd's superuser; <c>auth enable</c> requires it to exist with the <c>root</c> role.</summary>
    public const string RootUser = "root";

    private static readonly Lazy<string> EtcdctlPath = new(() => LocateTool("etcdctl", "`sudo apt-get install -y etcd-client`"));

    /// <summary>True once <see cref="EnableAuthAsync"/> turned authentication on.</summary>
    public bool AuthEnabled => members[0].Auth is not null;

    /// <summary>
    /// How many times etcd refused the gateway helpers' root token (it expired after <c>--auth-token-ttl</c> without
    /// use) and they signed in again.
    /// </summary>
    public int GatewayTokenRenewals => members[0].Auth?.Renewals ?? 0;

    /// <summary>
    /// Turns authentication on the way an operator does it with <c>etcdctl</c>: the <c>root</c> user with the <c>root</c>
    /// role, then (optionally) <paramref name="user"/> with a role that has readwrite on its key prefix, then
    /// <c>auth enable</c>. From then on this cluster's key-value helpers (<see cref="GetAsync"/>, <see cref="RangeAsync"/>,
    /// <see cref="CompactAsync"/>, …) sign in as root through <c>/v3/auth/authenticate</c> and sign in again when etcd
    /// refuses an expired token.
    /// </summary>
    public async Task EnableAuthAsync(string rootPassword, EtcdUser? user = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPassword);
        await EtcdctlAsync(ct, "user", "add", RootUser, "--interactive=false", $"--new-user-password={rootPassword}").ConfigureAwait(false);
        await EtcdctlAsync(ct, "user", "grant-role", RootUser, "root").ConfigureAwait(false);
        if (user is not null)
        {
            await EtcdctlAsync(ct, "role", "add", user.Role).ConfigureAwait(false);
            await EtcdctlAsync(ct, "role", "grant-permission", user.Role, "--prefix=true", "readwrite", user.KeyPrefix).ConfigureAwait(false);
            await EtcdctlAsync(ct, "user", "add", user.Name, "--interactive=false", $"--new-user-password={user.Password}").ConfigureAwait(false);
            await EtcdctlAsync(ct, "user", "grant-role", user.Name, user.Role).ConfigureAwait(false);
        }

        await EtcdctlAsync(ct, "auth", "enable").ConfigureAwait(false);
        var auth = new EtcdGatewayAuth(RootUser, rootPassword);
        foreach (var member in members)
        {
            member.Auth = auth;
        }
    }

    /// <summary>Signs in as <paramref name="user"/> through the first reachable member and returns the (simple) token.</summary>
    public Task<string> AuthenticateAsync(string user, string password, CancellationToken ct = default) =>
        OnAnyMemberAsync(m => EtcdGateway.AuthenticateAsync(m.Endpoint, user, password, EtcdGateway.DefaultRequestTimeout, ct), ct);

    /// <summary>
    /// Waits until every running member has forgotten every simple token last used before this call (etcd drops a token
    /// <c>--auth-token-ttl</c> after its last use, on each member's own clock). Nothing shows a token's expiry without using
    /// it, and a use renews it; so probe tokens of <paramref name="user"/> are taken now and never used again, and each
    /// try spends the next one on every member that has not refused one yet (a member renews a token for itself only).
    /// A member that refuses a probe has expired every token idle since this call. <paramref name="key"/> is one the
    /// user may read.
    /// </summary>
    public async Task WaitForIdleTokensToExpireAsync(string user, string password, string key, TimeSpan timeout, CancellationToken ct = default)
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var probes = new Queue<string>();
        for (var i = 0; i <= (int)Math.Ceiling(timeout / interval); i++)
        {
            probes.Enqueue(await AuthenticateAsync(user, password, ct).ConfigureAwait(false));
        }

        var expired = new HashSet<EtcdMember>();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var token = probes.Count > 0 ? probes.Dequeue() : null;
            var pending = members.Where(m => m.IsRunning && !m.IsPaused && !expired.Contains(m)).ToList();
            if (pending.Count == 0) return;
            if (token is null || Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Within {timeout.TotalSeconds:0.#} s these members still accepted a token unused since the wait began: {string.Join(", ", pending)}");
            }

            foreach (var member in pending)
            {
                if (!await member.AcceptsTokenAsync(token, key, ct).ConfigureAwait(false)) expired.Add(member);
            }

            if (expired.Count < members.Count(m => m.IsRunning && !m.IsPaused)) await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <c>etcdctl --endpoints=… args</c> against this cluster and returns its standard output; throws with its output on failure.</summary>
    public async Task<string> EtcdctlAsync(CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo(EtcdctlPath.Value)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            CreateNoWindow = true,
        };
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("ETCDCTL_", StringComparison.Ordinal)).ToArray())
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["ETCDCTL_API"] = "3";
        psi.ArgumentList.Add($"--endpoints={EndpointsCsv}");
        psi.ArgumentList.Add("--command-timeout=10s");
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {EtcdctlPath.Value}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"etcdctl {string.Join(' ', args.Select(Redact))} did not finish within 30 s.");
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"etcdctl {string.Join(' ', args.Select(Redact))} exited with {process.ExitCode}: {errors}{output}"));
        }

        return output;
    }

    private static string Redact(string arg) =>
        arg.StartsWith("--new-user-password=", StringComparison.Ordinal) ? "--new-user-password=***" : arg;
}

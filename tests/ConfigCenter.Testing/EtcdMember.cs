using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ConfigCenter.Testing;

/// <summary>One etcd process of an <see cref="EtcdCluster"/>.</summary>
public sealed class EtcdMember
{
    private const int MaxCapturedLines = 400;
    private readonly ConcurrentQueue<string> output = new();

    internal EtcdMember(int index, int clientPort, int peerPort, string dataDir)
    {
        Index = index;
        ClientPort = clientPort;
        PeerPort = peerPort;
        DataDir = dataDir;
    }

    /// <summary>Position of the member in the cluster (0-based).</summary>
    public int Index { get; }

    /// <summary>etcd member name (<c>m{Index}</c>).</summary>
    public string Name => $"m{Index}";

    /// <summary>Loopback port serving clients.</summary>
    public int ClientPort { get; }

    /// <summary>Loopback port serving peers.</summary>
    public int PeerPort { get; }

    /// <summary>Client URL, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Endpoint => $"http://127.0.0.1:{ClientPort}";

    /// <summary>Peer URL, <c>http://127.0.0.1:PORT</c>.</summary>
    public string PeerUrl => $"http://127.0.0.1:{PeerPort}";

    /// <summary>The member's data directory (kept across stop/start, deleted when the cluster is disposed).</summary>
    public string DataDir { get; }

    /// <summary>True while the process is alive (including while paused).</summary>
    public bool IsRunning
    {
        get
        {
            var p = Process;
            if (p is null)
            {
                return false;
            }

            try
            {
                return !p.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>True while the process is frozen with SIGSTOP.</summary>
    public bool IsPaused { get; internal set; }

    /// <summary>OS process id, or null when the member is stopped.</summary>
    public int? ProcessId => IsRunning ? Process?.Id : null;

    /// <summary>Last lines etcd wrote to stderr/stdout (etcd runs with <c>--log-level=error</c>).</summary>
    public string CapturedOutput
    {
        get
        {
            var text = string.Join('\n', output);
            return text.Length == 0 ? "(no output)" : text;
        }
    }

    internal Process? Process { get; set; }

    /// <summary>How the gateway helpers sign in once the cluster has authentication on (<see cref="EtcdCluster.EnableAuthAsync"/>); null before.</summary>
    internal EtcdGatewayAuth? Auth { get; set; }

    internal void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > MaxCapturedLines && output.TryDequeue(out _))
        {
        }
    }

    internal bool OutputContains(string text) => output.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <c>GET /health</c> answers <c>"health":"true"</c> within <paramref name="timeout"/> (default 1 s).</summary>
    public Task<bool> IsHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        EtcdGateway.IsHealthyAsync(Endpoint, timeout ?? TimeSpan.FromSeconds(1), cancellationToken);

    /// <summary>Reads a key from this member; null when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="serializable">True for a serializable read, served from this member's local store only
    /// (proves the member itself has the data); false for a linearizable read (default).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<string?> GetAsync(string key, bool serializable = false, CancellationToken cancellationToken = default)
    {
        using var doc = await EtcdGateway.PostAsync(
            Endpoint,
            "/v3/kv/range",
            new Dictionary<string, object> { ["key"] = EtcdGateway.B64(key), ["serializable"] = serializable },
            null,
            cancellationToken,
            Auth).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("kvs", out var kvs) || kvs.ValueKind != JsonValueKind.Array || kvs.GetArrayLength() == 0)
        {
            return null;
        }

        // The gateway omits empty fields: a key with an empty value has no "value".
        return kvs[0].TryGetProperty("value", out var value) && value.GetString() is { } b64
            ? Encoding.UTF8.GetString(Convert.FromBase64String(b64))
            : string.Empty;
    }

    /// <summary>Writes a key through this member; returns the revision of the write.</summary>
    public async Task<long> PutAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        using var doc = await EtcdGateway.PostAsync(
            Endpoint,
            "/v3/kv/put",
            new Dictionary<string, object> { ["key"] = EtcdGateway.B64(key), ["value"] = EtcdGateway.B64(value) },
            null,
            cancellationToken,
            Auth).ConfigureAwait(false);
        return HeaderRevision(doc);
    }

    /// <summary>Deletes a key (or, with <paramref name="prefix"/>, every key under it); returns the number deleted.</summary>
    public async Task<long> DeleteAsync(string key, bool prefix = false, CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object> { ["key"] = EtcdGateway.B64(key) };
        if (prefix)
        {
            body["range_end"] = Convert.ToBase64String(PrefixEnd(Encoding.UTF8.GetBytes(key)));
        }

        using var doc = await EtcdGateway.PostAsync(Endpoint, "/v3/kv/deleterange", body, null, cancellationToken, Auth).ConfigureAwait(false);
        return doc.RootElement.TryGetProperty("deleted", out var deleted) ? EtcdGateway.ReadInt64(deleted) : 0;
    }

    /// <summary>Current revision of the store as seen by this member.</summary>
    public async Task<long> RevisionAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await EtcdGateway.PostAsync(
            Endpoint,
            "/v3/kv/range",
            new Dictionary<string, object> { ["key"] = "AA==", ["count_only"] = true },
            null,
            cancellationToken,
            Auth).ConfigureAwait(false);
        return HeaderRevision(doc);
    }

    /// <summary>
    /// Whether this member accepts <paramref name="token"/> (from <see cref="EtcdCluster.AuthenticateAsync"/>) for a read of
    /// <paramref name="key"/>: false when etcd answers "invalid auth token" (it expired here, or never existed).
    /// Using a valid token renews its TTL on this member.
    /// </summary>
    public async Task<bool> AcceptsTokenAsync(string token, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = await EtcdGateway.PostWithTokenAsync(Endpoint, "/v3/kv/range",
                new Dictionary<string, object> { ["key"] = EtcdGateway.B64(key), ["count_only"] = true }, token, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EtcdGatewayException ex) when (ex.IsAuthTokenRefused)
        {
            return false;
        }
    }

    /// <summary>This member's etcd id and the id of the leader it knows (from <c>/v3/maintenance/status</c>).</summary>
    public async Task<(string MemberId, string LeaderId)> StatusAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await EtcdGateway.PostAsync(Endpoint, "/v3/maintenance/status", new Dictionary<string, object>(), null, cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        var memberId = root.TryGetProperty("header", out var header) && header.TryGetProperty("member_id", out var m) ? EtcdGateway.ReadUInt64String(m) : string.Empty;
        var leaderId = root.TryGetProperty("leader", out var l) ? EtcdGateway.ReadUInt64String(l) : string.Empty;
        return (memberId, leaderId);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Endpoint} ({(IsRunning ? IsPaused ? "paused" : "running" : "stopped")})";

    internal static long HeaderRevision(JsonDocument doc) =>
        doc.RootElement.TryGetProperty("header", out var header) && header.TryGetProperty("revision", out var revision)
            ? EtcdGateway.ReadInt64(revision)
            : 0;

    private static byte[] PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return [0];
    }
}

using System.Diagnostics;

namespace ConfigCenter.Testing;

/// <summary>Key-value helpers that go through whichever member is reachable.</summary>
public sealed partial class EtcdCluster
{
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
                        ct,
                        member.Auth).ConfigureAwait(false);
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

    /// <summary>
    /// Every key under <paramref name="prefix"/> with its raw value bytes and mod revision, as the store held them at
    /// <paramref name="revision"/> (0 = now). Reading at each revision in turn replays a key's history.
    /// </summary>
    public Task<IReadOnlyList<(string Key, byte[] Value, long ModRevision)>> RangeAsync(string prefix, long revision = 0, CancellationToken ct = default) =>
        OnAnyMemberAsync<IReadOnlyList<(string, byte[], long)>>(async member =>
        {
            var body = new Dictionary<string, object>
            {
                ["key"] = EtcdGateway.B64(prefix),
                ["range_end"] = Convert.ToBase64String(Contracts.EtcdKeys.PrefixRangeEnd(prefix)),
            };
            if (revision > 0) body["revision"] = revision;
            using var doc = await EtcdGateway.PostAsync(member.Endpoint, "/v3/kv/range", body, null, ct, member.Auth).ConfigureAwait(false);
            if (!doc.RootElement.TryGetProperty("kvs", out var kvs) || kvs.ValueKind != System.Text.Json.JsonValueKind.Array) return [];
            return [.. kvs.EnumerateArray().Select(kv => (
                System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty("key").GetString()!)),
                kv.TryGetProperty("value", out var v) ? Convert.FromBase64String(v.GetString()!) : [],
                EtcdGateway.ReadInt64(kv.GetProperty("mod_revision"))))];
        }, ct);

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
}

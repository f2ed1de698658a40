using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Faults.Tests;

/// <summary>The check every scenario ends with, and what it reads from etcd.</summary>
internal sealed partial class FaultRig
{
    /// <summary>
    /// The shared end check. Every acknowledged release is in SQLite with its checksum; etcd holds the newest one with
    /// the right checksum and items; the key's etcd history (back to <paramref name="historyFloor"/>, the compaction
    /// point, or all of it) is in revision order, holds only acknowledged releases, each with its checksum and Seq, and
    /// leaves none out without a newer one after it; the outbox is drained with nothing parked; and every client converged on the newest revision.
    /// </summary>
    public async Task VerifyAsync(TimeSpan convergeTimeout, long historyFloor = 0)
    {
        var acknowledged = Acknowledged;
        Assert.NotEmpty(acknowledged);
        var last = acknowledged[^1];
        for (var i = 1; i < acknowledged.Count; i++)
        {
            Assert.True(acknowledged[i].Revision > acknowledged[i - 1].Revision, $"the API acknowledged r{acknowledged[i].Revision} after r{acknowledged[i - 1].Revision}");
        }
        Assert.True(acknowledged[^1].Revision - acknowledged.Count <= InDoubt,
            $"{acknowledged[^1].Revision - acknowledged.Count} revisions were never acknowledged, but only {InDoubt} publishes were cut off");

        var api = ApiOf(Array.FindIndex(_replicas, r => r is { HasExited: false }));
        Dictionary<long, string?> inStore;
        string store;
        if (PostgresDatabase is null)
        {
            store = "SQLite";
            var stored = await api.GetJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases");
            inStore = stored.EnumerateArray().ToDictionary(r => r.GetProperty("revision").GetInt64(), r => r.GetProperty("checksum").GetString());
        }
        else
        {
            store = "PostgreSQL";
            inStore = await PostgresReleasesAsync();
            await VerifyPostgresStoreAsync(inStore, last.Revision);
        }
        var missingInStore = acknowledged.Where(a => !inStore.TryGetValue(a.Revision, out var checksum) || checksum != a.Checksum).ToList();
        Assert.True(missingInStore.Count == 0, $"{missingInStore.Count} acknowledged releases missing or different in {store}: r{string.Join(", r", missingInStore.Take(20).Select(a => a.Revision))}");

        await WaitFor.ConditionAsync(async () => (await ReadHistoryAsync(historyFloor)).LastOrDefault()?.Revision == last.Revision,
            convergeTimeout, $"etcd holds r{last.Revision}");
        var history = await ReadHistoryAsync(historyFloor);
        var newest = history[^1];
        Assert.Equal(last.Checksum, newest.Checksum);
        Assert.Equal(last.Seq, newest.Items["Seq"]);
        for (var i = 1; i < history.Count; i++)
        {
            Assert.True(history[i].Revision > history[i - 1].Revision, $"etcd history out of order or repeated: r{history[i - 1].Revision} then r{history[i].Revision}");
        }
        // The relay writes only the newest row per namespace of a batch (etcd keeps one document per namespace), so an
        // acknowledged release is either in the key's history itself or superseded there by a later one; none may be
        // absent with nothing newer after it, and each one etcd holds must carry exactly what the API acknowledged.
        var inEtcd = history.ToDictionary(d => d.Revision);
        var expected = historyFloor == 0 ? acknowledged : acknowledged.Where(a => a.Revision >= history[0].Revision).ToList();
        var lost = expected.Where(a => !inEtcd.ContainsKey(a.Revision) && !history.Any(d => d.Revision > a.Revision)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {expected.Count} acknowledged releases never reached etcd: r{string.Join(", r", lost.Take(20).Select(a => a.Revision))}");
        var written = 0;
        foreach (var release in expected.Where(a => inEtcd.ContainsKey(a.Revision)))
        {
            var document = inEtcd[release.Revision];
            Assert.True(document.Checksum == release.Checksum && document.Items["Seq"] == release.Seq,
                $"etcd r{release.Revision}: checksum {document.Checksum}, Seq {document.Items["Seq"]}; acknowledged {release.Checksum}, Seq {release.Seq}");
            written++;
        }
        // Nothing in etcd that the API did not acknowledge, except a publish cut off by a crash before it could answer.
        Assert.InRange(history.Count - written, 0, InDoubt);
        WrittenToEtcd = written;

        var outbox = (await api.GetJsonAsync("/api/v1/status")).GetProperty("outbox");
        Assert.Equal(0, outbox.GetProperty("pending").GetInt32());
        Assert.Empty((await api.GetJsonAsync("/api/v1/outbox/parked")).EnumerateArray());

        await WaitConvergedAsync(convergeTimeout);
    }

    /// <summary>Waits until etcd holds the newest acknowledged release (or, while publishing goes on, a newer one).</summary>
    public async Task WaitDeliveredAsync(TimeSpan timeout)
    {
        var last = Last ?? throw new InvalidOperationException("Nothing was published.");
        var key = EtcdKeys.Config(Prefix, Env, App, Ns);
        await WaitFor.ConditionAsync(async () => await Etcd.GetAsync(key) is { } json
            && JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReleaseDocument)!.Revision >= last.Revision,
            timeout, $"etcd holds r{last.Revision}");
    }

    /// <summary>The namespace's release documents in etcd, oldest first, walking the key's history down to <paramref name="floor"/>.</summary>
    private async Task<List<ReleaseDocument>> ReadHistoryAsync(long floor)
    {
        var key = EtcdKeys.Config(Prefix, Env, App, Ns);
        var history = new List<ReleaseDocument>();
        long at = 0;
        while (true)
        {
            var entry = (await Etcd.RangeAsync(key, at)).SingleOrDefault(kv => kv.Key == key);
            if (entry.Key is null) break;
            history.Add(JsonSerializer.Deserialize(entry.Value, ContractsJsonContext.Default.ReleaseDocument)!);
            at = entry.ModRevision - 1;
            if (at < Math.Max(floor, 1)) break;
        }
        history.Reverse();
        return history;
    }
}

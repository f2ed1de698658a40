using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Npgsql;

namespace ConfigCenter.Faults.Tests;

/// <summary>The PostgreSQL mode: several server replicas on one database, their relay states, and the store part of the end check.</summary>
internal sealed partial class FaultRig
{
    /// <summary>
    /// Starts the cluster and <paramref name="replicas"/> server replicas on a new database of <paramref name="postgres"/>
    /// (together, as replicas start), creates the app. <paramref name="endpointsOf"/> gives a replica other etcd endpoints
    /// than the members' own (e.g. proxies that can partition it from etcd); null or an empty list keeps the members'.
    /// With <paramref name="firstRelays"/> replica 0 starts alone and the others only once it relays the outbox.
    /// </summary>
    public static async Task<FaultRig> StartOnPostgresAsync(PostgresServer postgres, int replicas = 2,
        Func<EtcdCluster, int, IReadOnlyList<string>?>? endpointsOf = null, bool firstRelays = false)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var database = await postgres.CreateDatabaseAsync();
        var etcd = await EtcdCluster.StartAsync(3);
        var rig = new FaultRig(etcd, new Dictionary<string, string?>(), null, new Dictionary<string, string?>(), database, replicas,
            endpointsOf is null ? null : i => endpointsOf(etcd, i) is { Count: > 0 } endpoints ? endpoints : etcd.Endpoints);
        try
        {
            if (firstRelays)
            {
                await rig.StartServerAsync(0);
                await rig.WaitForRelayLeaderAsync(StartTimeout, expected: 0);
                await Task.WhenAll(Enumerable.Range(1, replicas - 1).Select(rig.StartServerAsync));
            }
            else
            {
                await Task.WhenAll(Enumerable.Range(0, replicas).Select(rig.StartServerAsync));
            }
            await rig.Api.CreateAppAsync(App, (Ns, "properties"));
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Replica <paramref name="replica"/>'s relay state from <c>GET /api/v1/status</c>, or null when it does not answer.</summary>
    public async Task<RelayState?> RelayStateAsync(int replica)
    {
        if (_replicas[replica] is not { HasExited: false } || _admins[replica] is not { } admin) return null;
        try
        {
            // The status probes etcd (member list, 2 s timeout): a replica cut off from etcd answers slowly, not never.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await admin.GetAsync("/api/v1/status", cts.Token);
            if (!response.IsSuccessStatusCode) return null;
            var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token)).RootElement.GetProperty("replica");
            return new RelayState(state.GetProperty("id").GetString()!, state.GetProperty("relaying").GetBoolean(),
                state.GetProperty("relayFencingToken").ValueKind == JsonValueKind.Number ? state.GetProperty("relayFencingToken").GetInt64() : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until exactly one replica reports that it relays the outbox; returns its index.</summary>
    public async Task<int> WaitForRelayLeaderAsync(TimeSpan timeout, int? expected = null)
    {
        var leader = -1;
        await WaitFor.ConditionAsync(async () =>
        {
            var states = await Task.WhenAll(Enumerable.Range(0, _replicas.Length).Select(RelayStateAsync));
            var relaying = Enumerable.Range(0, states.Length).Where(i => states[i] is { Relaying: true }).ToList();
            leader = relaying.Count == 1 ? relaying[0] : -1;
            return leader >= 0 && (expected is null || leader == expected);
        }, timeout, expected is null ? "one replica relays the outbox" : $"replica {expected} (alone) relays the outbox");
        return leader;
    }

    /// <summary>The namespace's releases in PostgreSQL, read from the database itself: revision → checksum.</summary>
    private async Task<Dictionary<long, string?>> PostgresReleasesAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresDatabase);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Revision\", \"Checksum\" FROM \"Releases\" WHERE \"AppId\" = @app AND \"EnvironmentId\" = @env AND \"Namespace\" = @ns";
        command.Parameters.AddWithValue("app", App);
        command.Parameters.AddWithValue("env", Env);
        command.Parameters.AddWithValue("ns", Ns);
        var releases = new Dictionary<long, string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) releases.Add(reader.GetInt64(0), reader.GetString(1));
        return releases;
    }

    /// <summary>
    /// Nothing half-written in PostgreSQL: the namespace's revisions run 1..N without a gap (N = the newest acknowledged,
    /// or one cut off after it), every release has its outbox row for this namespace's etcd key, and the outbox holds no
    /// row for a revision the releases table does not have.
    /// </summary>
    private async Task VerifyPostgresStoreAsync(Dictionary<long, string?> releases, long newestAcknowledged)
    {
        var max = releases.Keys.Max();
        Assert.True(releases.Count == max, $"PostgreSQL revisions have a gap: {releases.Count} releases up to r{max}");
        Assert.InRange(max - newestAcknowledged, 0, InDoubt);
        await using var connection = new NpgsqlConnection(PostgresDatabase);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT \"Revision\" FROM \"Outbox\" WHERE \"EtcdKey\" = @key";
        command.Parameters.AddWithValue("key", EtcdKeys.Config(Prefix, Env, App, Ns));
        var outbox = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) outbox.Add(reader.GetInt64(0));
        }
        var withoutOutbox = releases.Keys.Where(r => !outbox.Contains(r)).Order().ToList();
        Assert.True(withoutOutbox.Count == 0, $"releases without their outbox row: r{string.Join(", r", withoutOutbox.Take(20))}");
        var orphans = outbox.Where(r => !releases.ContainsKey(r)).Order().ToList();
        Assert.True(orphans.Count == 0, $"outbox rows without their release: r{string.Join(", r", orphans.Take(20))}");
    }
}

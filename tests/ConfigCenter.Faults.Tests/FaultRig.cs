using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Npgsql;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// One fault scenario's world: a 3-member etcd cluster, the server as a real process on its own SQLite data directory
/// (or, with <see cref="StartOnPostgresAsync"/>, several server replicas on one PostgreSQL database), fault client
/// processes (etcd transport + registration), a publisher that records every release the API acknowledged, and the
/// check every scenario ends with (<see cref="VerifyAsync"/>).
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    public const string App = "faults";
    public const string Env = "prod";
    public const string Ns = "application";
    private const string AdminPassword = "fault-admin-password-1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly List<AcknowledgedRelease> _acknowledged = [];
    private readonly List<DotnetProcess> _clients = [];
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _root = Directory.CreateTempSubdirectory("configcenter-faults-").FullName;
    private readonly IReadOnlyDictionary<string, string?> _etcdCredentials;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly DotnetProcess?[] _replicas;
    private readonly HttpClient?[] _admins;
    private readonly Func<int, IReadOnlyList<string>>? _endpointsOf;

    private FaultRig(EtcdCluster etcd, IReadOnlyDictionary<string, string?> etcdCredentials, string? prefix, IReadOnlyDictionary<string, string?> settings,
        string? postgresDatabase = null, int replicas = 1, Func<int, IReadOnlyList<string>>? endpointsOf = null)
    {
        Etcd = etcd;
        _etcdCredentials = etcdCredentials;
        _settings = settings;
        Prefix = prefix ?? EtcdClusterFixtureBase.NewPrefix();
        DataDirectory = Path.Combine(_root, "server");
        PostgresDatabase = postgresDatabase;
        _replicas = new DotnetProcess?[replicas];
        _admins = new HttpClient?[replicas];
        _endpointsOf = endpointsOf;
    }

    public EtcdCluster Etcd { get; }
    public string Prefix { get; }
    /// <summary>The SQLite server's data directory (replica 0's; replicas on PostgreSQL do not use theirs).</summary>
    public string DataDirectory { get; }
    /// <summary>The connection string of the replicas' PostgreSQL database, or null on SQLite.</summary>
    public string? PostgresDatabase { get; }
    /// <summary>The server process (replica 0).</summary>
    public DotnetProcess? Server => _replicas[0];
    /// <summary>The server replicas (one on SQLite).</summary>
    public IReadOnlyList<DotnetProcess?> Replicas => _replicas;
    /// <summary>The API of replica 0, signed in as the admin.</summary>
    public ConfigCenterApiClient Api => ApiOf(0);

    /// <summary>The API of replica <paramref name="replica"/>, signed in as the admin.</summary>
    public ConfigCenterApiClient ApiOf(int replica) => new(_admins[replica] ?? throw new InvalidOperationException($"Replica {replica} was not started."));
    public IReadOnlyList<DotnetProcess> Clients => _clients;

    /// <summary>Publishes cut off without an answer (the server was killed): each may or may not have committed.</summary>
    public int InDoubt { get; set; }

    /// <summary>After <see cref="VerifyAsync"/>: how many acknowledged releases etcd's history holds as writes of their own (the rest were superseded in a relay batch).</summary>
    public int WrittenToEtcd { get; private set; }

    /// <summary>Every release the API answered 201 for, in publish order.</summary>
    public IReadOnlyList<AcknowledgedRelease> Acknowledged
    {
        get { lock (_acknowledged) return [.. _acknowledged]; }
    }

    public AcknowledgedRelease? Last
    {
        get { lock (_acknowledged) return _acknowledged.Count == 0 ? null : _acknowledged[^1]; }
    }

    /// <summary>
    /// Starts the cluster and the server, creates the app; <paramref name="etcdCredentials"/> are ConfigCenter:Etcd
    /// settings (user, password), <paramref name="prefix"/> the etcd key prefix (a unique one when null) and
    /// <paramref name="settings"/> more configuration (e.g. log levels) for the server and every client process.
    /// </summary>
    public static async Task<FaultRig> StartAsync(Func<EtcdMember, IEnumerable<string>>? etcdArguments = null,
        IReadOnlyDictionary<string, string?>? etcdCredentials = null, Func<EtcdCluster, Task>? prepareEtcd = null,
        string? prefix = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var etcd = await EtcdCluster.StartAsync(3, arguments: etcdArguments);
        var rig = new FaultRig(etcd, etcdCredentials ?? new Dictionary<string, string?>(), prefix, settings ?? new Dictionary<string, string?>());
        try
        {
            if (prepareEtcd is not null) await prepareEtcd(etcd);
            await rig.StartServerAsync();
            await rig.Api.CreateAppAsync(App, (Ns, "properties"));
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

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

    /// <summary>
    /// Starts (or restarts, on the same data directory or database) server replica <paramref name="replica"/> (0 on SQLite)
    /// and signs in as the admin.
    /// </summary>
    public async Task StartServerAsync(int replica = 0)
    {
        if (_replicas[replica] is { HasExited: false }) throw new InvalidOperationException($"Replica {replica} is still running.");
        if (_replicas[replica] is { } old) await old.DisposeAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConfigCenter:DataDirectory"] = replica == 0 ? DataDirectory : $"{DataDirectory}{replica}",
            ["ConfigCenter:Bootstrap:AdminPassword"] = AdminPassword,
            ["ConfigCenter:Etcd:Prefix"] = Prefix,
            ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
        };
        if (PostgresDatabase is not null)
        {
            settings["ConfigCenter:Store:Provider"] = "postgres";
            settings["ConfigCenter:Store:ConnectionString"] = PostgresDatabase;
        }
        var endpoints = _endpointsOf?.Invoke(replica) ?? Etcd.Endpoints;
        for (var i = 0; i < endpoints.Count; i++) settings[$"ConfigCenter:Etcd:Endpoints:{i}"] = endpoints[i];
        foreach (var (key, value) in _etcdCredentials) settings[$"ConfigCenter:Etcd:{key}"] = value;
        foreach (var (key, value) in _settings) settings[key] = value;
        var server = DotnetProcess.Start("src", "ConfigCenter.Server", FreePort.Get(), settings);
        _replicas[replica] = server;
        await WaitFor.ConditionAsync(async () =>
        {
            if (server.HasExited) throw new InvalidOperationException($"Replica {replica} exited:\n{server.Output}");
            return await AnswersAsync(new Uri(server.BaseAddress, "/health/live"));
        }, StartTimeout, $"replica {replica} answers /health/live");

        _admins[replica]?.Dispose();
        var admin = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _admins[replica] = admin;
        using var response = await admin.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
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

    /// <summary>Starts a fault client process (etcd transport, registered as an instance) and waits until it applied the newest release.</summary>
    public async Task<DotnetProcess> StartClientAsync()
    {
        var name = $"client{_clients.Count}";
        var settings = new Dictionary<string, string?>
        {
            ["ConfigCenter:App"] = App,
            ["ConfigCenter:Environment"] = Env,
            ["ConfigCenter:Namespaces:0"] = Ns,
            ["ConfigCenter:Server:Url"] = "",
            ["ConfigCenter:CacheDirectory"] = Path.Combine(_root, name),
            ["ConfigCenter:Etcd:Prefix"] = Prefix,
            ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
            ["ConfigCenter:MaxRetryDelay"] = "00:00:01",
            ["ConfigCenter:Registration:InstanceId"] = name,
            ["ConfigCenter:Registration:Ttl"] = "00:00:05",
        };
        for (var i = 0; i < Etcd.Endpoints.Count; i++) settings[$"ConfigCenter:Etcd:Endpoints:{i}"] = Etcd.Endpoints[i];
        foreach (var (key, value) in _etcdCredentials) settings[$"ConfigCenter:Etcd:{key}"] = value;
        foreach (var (key, value) in _settings) settings[key] = value;
        var client = DotnetProcess.Start("tests", "ConfigCenter.Faults.Client", FreePort.Get(), settings);
        _clients.Add(client);
        var newest = Last?.Revision ?? 0;
        await WaitFor.ConditionAsync(async () =>
        {
            if (client.HasExited) throw new InvalidOperationException($"{name} exited:\n{client.Output}");
            return await StateAsync(client) is { } state && state.Revision(Ns) >= newest && state.Registered == name;
        }, StartTimeout, $"{name} answers /state, applied r{newest} and registered");
        return client;
    }

    /// <summary>What a client reports, or null when it does not answer (frozen, starting, gone).</summary>
    public async Task<ClientState?> StateAsync(DotnetProcess client)
    {
        try
        {
            return await _probe.GetFromJsonAsync<ClientState>(new Uri(client.BaseAddress, "/state"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The index of the etcd member a client's transport is connected to, or -1.</summary>
    public int MemberOf(ClientState state) =>
        Etcd.Members.FirstOrDefault(m => state.Etcd == $"connected to {m.Endpoint}")?.Index ?? -1;

    /// <summary>
    /// Sets <c>Seq</c> (and a payload) and publishes; records the release when the API answers 201 and returns it.
    /// Any other answer fails the scenario: under these faults a publish must be accepted.
    /// </summary>
    public async Task<AcknowledgedRelease> PublishAsync(int seq, CancellationToken ct = default) => await PublishAsync(seq, 0, ct);

    /// <summary>As <see cref="PublishAsync(int, CancellationToken)"/>, through replica <paramref name="replica"/>.</summary>
    public async Task<AcknowledgedRelease> PublishAsync(int seq, int replica, CancellationToken ct = default)
    {
        var attempt = await TryPublishAsync(seq, replica, ct);
        return attempt.Release ?? throw new InvalidOperationException($"{attempt.Step} Seq={seq} on replica {replica}: {(int)attempt.Status} {attempt.Body}");
    }

    /// <summary>
    /// Sets <c>Seq</c> and publishes through replica <paramref name="replica"/>; returns what the API answered (the release
    /// when it answered 201, recorded as acknowledged; otherwise the refused step, status and body). Connection failures throw.
    /// </summary>
    public async Task<PublishAttempt> TryPublishAsync(int seq, int replica, CancellationToken ct = default)
    {
        var http = _admins[replica] ?? throw new InvalidOperationException($"Replica {replica} was not started.");
        var value = seq.ToString(CultureInfo.InvariantCulture);
        using (var put = await http.PutAsJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/items/Seq", new { value }, ct))
        {
            if (!put.IsSuccessStatusCode) return new PublishAttempt("PUT", put.StatusCode, await put.Content.ReadAsStringAsync(ct), put.Headers.RetryAfter, null);
        }
        using var response = await http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases", new { message = $"seq {value}" }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created) return new PublishAttempt("publish", response.StatusCode, body, response.Headers.RetryAfter, null);
        var root = JsonDocument.Parse(body).RootElement;
        var release = new AcknowledgedRelease(root.GetProperty("revision").GetInt64(), root.GetProperty("checksum").GetString()!, value);
        lock (_acknowledged) _acknowledged.Add(release);
        return new PublishAttempt("publish", response.StatusCode, body, null, release);
    }

    /// <summary>Publishes <paramref name="count"/> releases back to back, starting at Seq <paramref name="from"/>.</summary>
    public async Task PublishManyAsync(int from, int count, CancellationToken ct = default)
    {
        for (var seq = from; seq < from + count; seq++) await PublishAsync(seq, ct);
    }

    /// <summary>Waits until every client applied the newest acknowledged release; returns how long that took.</summary>
    public async Task<TimeSpan> WaitConvergedAsync(TimeSpan timeout, IEnumerable<DotnetProcess>? clients = null)
    {
        var last = Last ?? throw new InvalidOperationException("Nothing was published.");
        var stopwatch = Stopwatch.StartNew();
        foreach (var client in clients ?? _clients)
        {
            ClientState? seen = null;
            await WaitFor.ConditionAsync(async () =>
            {
                seen = await StateAsync(client);
                return seen is not null && seen.Revision(Ns) == last.Revision && seen.Seq == last.Seq;
            }, timeout - stopwatch.Elapsed, $"client on port {client.Port} applies r{last.Revision} (Seq={last.Seq}); last seen {Describe(seen)}\n{client.Output}");
        }
        return stopwatch.Elapsed;
    }

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

    private async Task<bool> AnswersAsync(Uri uri)
    {
        try
        {
            using var response = await _probe.GetAsync(uri);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string Describe(ClientState? state) =>
        state is null ? "no answer" : $"r{state.Revision(Ns)} Seq={state.Seq} etcd={state.Etcd} health={state.Health}";

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        foreach (var replica in _replicas)
        {
            if (replica is not null) await replica.DisposeAsync();
        }
        foreach (var admin in _admins) admin?.Dispose();
        _probe.Dispose();
        await Etcd.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"fault rig: could not delete {_root}: {ex.Message}");
        }
    }
}

/// <summary>What the API answered to one publish attempt (<see cref="FaultRig.TryPublishAsync"/>): the step it refused or the release it acknowledged.</summary>
internal sealed record PublishAttempt(string Step, HttpStatusCode Status, string Body, RetryConditionHeaderValue? RetryAfter, AcknowledgedRelease? Release);

/// <summary>A replica's relay state from <c>GET /api/v1/status</c>.</summary>
internal sealed record RelayState(string Id, bool Relaying, long? FencingToken);

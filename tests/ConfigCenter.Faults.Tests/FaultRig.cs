using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// One fault scenario's world: a 3-member etcd cluster, the server as a real process on its own SQLite data directory,
/// fault client processes (etcd transport + registration), a publisher that records every release the API
/// acknowledged, and the check every scenario ends with (<see cref="VerifyAsync"/>).
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
    private HttpClient? _admin;

    private FaultRig(EtcdCluster etcd, IReadOnlyDictionary<string, string?> etcdCredentials, string? prefix, IReadOnlyDictionary<string, string?> settings)
    {
        Etcd = etcd;
        _etcdCredentials = etcdCredentials;
        _settings = settings;
        Prefix = prefix ?? EtcdClusterFixtureBase.NewPrefix();
        DataDirectory = Path.Combine(_root, "server");
    }

    public EtcdCluster Etcd { get; }
    public string Prefix { get; }
    public string DataDirectory { get; }
    public DotnetProcess? Server { get; private set; }
    public ConfigCenterApiClient Api => new(_admin ?? throw new InvalidOperationException("The server was not started."));
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

    /// <summary>Starts (or restarts, on the same data directory) the server process and signs in as the admin.</summary>
    public async Task StartServerAsync()
    {
        if (Server is { HasExited: false }) throw new InvalidOperationException("The server is still running.");
        if (Server is not null) await Server.DisposeAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConfigCenter:DataDirectory"] = DataDirectory,
            ["ConfigCenter:Bootstrap:AdminPassword"] = AdminPassword,
            ["ConfigCenter:Etcd:Prefix"] = Prefix,
            ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
        };
        for (var i = 0; i < Etcd.Endpoints.Count; i++) settings[$"ConfigCenter:Etcd:Endpoints:{i}"] = Etcd.Endpoints[i];
        foreach (var (key, value) in _etcdCredentials) settings[$"ConfigCenter:Etcd:{key}"] = value;
        foreach (var (key, value) in _settings) settings[key] = value;
        var server = DotnetProcess.Start("src", "ConfigCenter.Server", FreePort.Get(), settings);
        Server = server;
        await WaitFor.ConditionAsync(async () =>
        {
            if (server.HasExited) throw new InvalidOperationException($"The server exited:\n{server.Output}");
            return await AnswersAsync(new Uri(server.BaseAddress, "/health/live"));
        }, StartTimeout, "the server process answers /health/live");

        _admin?.Dispose();
        _admin = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await _admin.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
    public async Task<AcknowledgedRelease> PublishAsync(int seq, CancellationToken ct = default)
    {
        var http = _admin ?? throw new InvalidOperationException("The server was not started.");
        var value = seq.ToString(CultureInfo.InvariantCulture);
        using (var put = await http.PutAsJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/items/Seq", new { value }, ct))
        {
            if (!put.IsSuccessStatusCode) throw new InvalidOperationException($"PUT Seq={value}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        }
        using var response = await http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases", new { message = $"seq {value}" }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"publish {value}: {(int)response.StatusCode} {body}");
        var root = JsonDocument.Parse(body).RootElement;
        var release = new AcknowledgedRelease(root.GetProperty("revision").GetInt64(), root.GetProperty("checksum").GetString()!, value);
        lock (_acknowledged) _acknowledged.Add(release);
        return release;
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

        var stored = await Api.GetJsonAsync($"{ConfigCenterApiClient.Ns(App, Env, Ns)}/releases");
        var sqlite = stored.EnumerateArray().ToDictionary(r => r.GetProperty("revision").GetInt64(), r => r.GetProperty("checksum").GetString());
        var missingInSqlite = acknowledged.Where(a => !sqlite.TryGetValue(a.Revision, out var checksum) || checksum != a.Checksum).ToList();
        Assert.True(missingInSqlite.Count == 0, $"{missingInSqlite.Count} acknowledged releases missing or different in SQLite: r{string.Join(", r", missingInSqlite.Take(20).Select(a => a.Revision))}");

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

        var outbox = (await Api.GetJsonAsync("/api/v1/status")).GetProperty("outbox");
        Assert.Equal(0, outbox.GetProperty("pending").GetInt32());
        Assert.Empty((await Api.GetJsonAsync("/api/v1/outbox/parked")).EnumerateArray());

        await WaitConvergedAsync(convergeTimeout);
    }

    /// <summary>Waits until etcd holds the newest acknowledged release.</summary>
    public async Task WaitDeliveredAsync(TimeSpan timeout)
    {
        var last = Last ?? throw new InvalidOperationException("Nothing was published.");
        var key = EtcdKeys.Config(Prefix, Env, App, Ns);
        await WaitFor.ConditionAsync(async () => await Etcd.GetAsync(key) is { } json
            && JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReleaseDocument)!.Revision == last.Revision,
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
        if (Server is not null) await Server.DisposeAsync();
        _admin?.Dispose();
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

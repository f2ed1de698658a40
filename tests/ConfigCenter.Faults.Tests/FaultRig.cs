using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// One fault scenario's world: a 3-member etcd cluster, the server as a real process on its own SQLite data directory
/// (or, with <see cref="StartOnPostgresAsync"/>, several server replicas on one PostgreSQL database), fault client
/// processes (etcd transport + registration), a publisher that records every release the API acknowledged, and the
/// check every scenario ends with (<see cref="VerifyAsync"/>).
/// </summary>
internal sealed partial class FaultRig : IAsyncDisposable
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

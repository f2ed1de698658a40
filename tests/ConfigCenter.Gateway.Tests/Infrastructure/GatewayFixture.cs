using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// A real etcd member, a real server in etcd mode and the real gateway as a child process, whose routes live in the
/// json namespace <c>routes</c> of the app <see cref="GatewayApp"/>. Shared by the tests of <see cref="GatewayCollection"/>,
/// which run one after another; each test publishes the routes it needs and starts the services it routes to.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string Env = "dev";
    public const string GatewayApp = "gateway";
    public const string RoutesNamespace = "routes";

    /// <summary>The registry lease TTL of every process the tests start: a killed one is gone within it.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    /// <summary>The gateway's own zone.</summary>
    public const string GatewayZone = "eu-1";

    private readonly string _temp = Directory.CreateTempSubdirectory("cc-gateway-").FullName;
    private DotnetProcess? _gateway;

    public EtcdCluster Etcd { get; private set; } = null!;

    public ConfigCenterServerHost Server { get; private set; } = null!;

    public ConfigCenterApiClient Api { get; private set; } = null!;

    public string GatewayKey { get; private set; } = "";

    public DotnetProcess Gateway => _gateway ?? throw new InvalidOperationException("The gateway has not started.");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Etcd = await EtcdCluster.StartAsync(1);
        Server = await ConfigCenterServerHost.StartAsync(Etcd.Endpoints);
        Api = new ConfigCenterApiClient(await Server.CreateAdminClientAsync());
        GatewayKey = await Api.CreateAppWithKeyAsync(GatewayApp, Env, (RoutesNamespace, "json"));
        _gateway = await StartGatewayAsync(new Dictionary<string, string?>());
    }

    /// <summary>
    /// Starts a gateway process of <see cref="GatewayApp"/> (the routes it serves are the fixture's) with
    /// <paramref name="overrides"/> on top of the fixture's settings; returns it once it is ready. The caller disposes it.
    /// </summary>
    public async Task<DotnetProcess> StartGatewayAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(Settings(GatewayApp))
        {
            ["ConfigCenter:Server:Url"] = Server.BaseAddress.ToString(),
            ["ConfigCenter:Server:ApiKey"] = GatewayKey,
            ["ConfigCenter:CacheDirectory"] = Path.Combine(_temp, $"gateway-{Guid.NewGuid():N}"),
            ["Gateway:ApiKeyCacheDuration"] = "00:00:01",
            // Instances without a zone (every test but the zone test) are all "other zone": no preference applies to them.
            ["Gateway:Zone"] = GatewayZone,
        };
        foreach (var (key, value) in overrides) settings[key] = value;
        var gateway = DotnetProcess.Start("src", "ConfigCenter.Gateway", FreePort.Get(), settings);
        try
        {
            await WaitFor.ConditionAsync(async () =>
            {
                Assert.False(gateway.HasExited, $"the gateway exited:{Environment.NewLine}{gateway.Output}");
                try
                {
                    using var ready = await Http.GetAsync(new Uri(gateway.BaseAddress, "/health/ready"));
                    return ready.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the gateway is ready");
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>The ConfigCenter settings of a process of <paramref name="app"/> in this fixture's etcd prefix.</summary>
    public IReadOnlyDictionary<string, string?> Settings(string app) => new Dictionary<string, string?>
    {
        ["ConfigCenter:App"] = app,
        ["ConfigCenter:Environment"] = Env,
        ["ConfigCenter:Etcd:Endpoints:0"] = Etcd.Endpoints[0],
        ["ConfigCenter:Etcd:Prefix"] = Server.Prefix,
        ["ConfigCenter:Etcd:RequestTimeout"] = "00:00:02",
        ["ConfigCenter:Server:Url"] = "",
        ["ConfigCenter:Optional"] = "true",
        ["ConfigCenter:MaxRetryDelay"] = "00:00:01",
        ["ConfigCenter:Registration:Ttl"] = Ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Starts an instance of the sample service as <paramref name="service"/>; returns it once it answers, with its instance id.</summary>
    public async Task<(DotnetProcess Process, string InstanceId)> StartSampleAsync(string service, string? version = null)
    {
        var settings = new Dictionary<string, string?>(Settings(service))
        {
            ["ConfigCenter:CacheDirectory"] = Path.Combine(_temp, Guid.NewGuid().ToString("N")),
        };
        if (version is not null) settings["ConfigCenter:Registration:Version"] = version;
        var sample = DotnetProcess.Start("samples", "ConfigCenter.SampleService", FreePort.Get(), settings);
        var who = await WaitFor.ValueAsync(
            async () =>
            {
                Assert.False(sample.HasExited, $"the sample exited:{Environment.NewLine}{sample.Output}");
                try
                {
                    return await Http.GetFromJsonAsync<JsonElement?>(new Uri(sample.BaseAddress, "/whoami"));
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            },
            w => w is not null, TimeSpan.FromSeconds(60), $"the sample on port {sample.Port} answering");
        return (sample, who!.Value.GetProperty("instanceId").GetString()!);
    }

    /// <summary>Replaces the routes draft and publishes it; returns the revision (the current one when it is already published).</summary>
    public async Task<long> PublishRoutesAsync(string json)
    {
        await Api.SetDocumentAsync(GatewayApp, Env, RoutesNamespace, json);
        var path = ConfigCenterApiClient.Ns(GatewayApp, Env, RoutesNamespace);
        using var response = await Api.Http.PostAsJsonAsync($"{path}/releases", new { message = "test" });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict && body.Contains("Nothing to publish", StringComparison.Ordinal))
        {
            return (await Api.GetJsonAsync(path)).GetProperty("publishedRevision").GetInt64();
        }
        Assert.True(response.IsSuccessStatusCode, $"publishing the routes answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }

    /// <summary>Waits until the server's registry view lists <paramref name="instanceId"/> of <paramref name="service"/>.</summary>
    public Task WaitRegisteredAsync(string service, string instanceId) =>
        WaitFor.ConditionAsync(async () =>
        {
            using var response = await Api.Http.GetAsync($"/api/v1/registry/{Env}/services/{service}");
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains(instanceId, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), $"{instanceId} is registered");

    /// <summary>Rolls the routes back to <paramref name="revision"/>; returns the new revision.</summary>
    public async Task<long> RollbackRoutesAsync(long revision)
    {
        using var response = await Api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns(GatewayApp, Env, RoutesNamespace)}/releases/{revision}/rollback", new { message = "test rollback" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("revision").GetInt64();
    }

    /// <summary>The destination ids of <paramref name="service"/> the gateway routes to now (from <c>/_gateway/routes</c>).</summary>
    public async Task<HashSet<string>> DestinationsAsync(string service) => [.. (await DestinationHealthAsync(service)).Keys];

    /// <summary>
    /// The destinations of <paramref name="service"/> in <paramref name="gateway"/> (default: the fixture's) with their
    /// active health as YARP sees it (Unknown, Healthy, Unhealthy).
    /// </summary>
    public async Task<Dictionary<string, string>> DestinationHealthAsync(string service, DotnetProcess? gateway = null)
    {
        var state = await Http.GetFromJsonAsync<JsonElement>(new Uri((gateway ?? Gateway).BaseAddress, "/_gateway/routes"));
        var cluster = state.GetProperty("clusters").EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetString() == $"service:{service}");
        return cluster.ValueKind == JsonValueKind.Undefined
            ? []
            : cluster.GetProperty("destinations").EnumerateArray().ToDictionary(
                d => d.GetProperty("id").GetString()!, d => d.GetProperty("activeHealth").GetString()!, StringComparer.Ordinal);
    }

    /// <summary>
    /// Waits until the gateway routes to exactly <paramref name="instanceIds"/> of <paramref name="service"/> and
    /// <paramref name="path"/> answers 200 (YARP updates its clusters a moment before its endpoints).
    /// </summary>
    public async Task WaitRoutedAsync(string service, string path, params string[] instanceIds)
    {
        await WaitFor.ConditionAsync(async () => (await DestinationsAsync(service)).SetEquals(instanceIds), TimeSpan.FromSeconds(10), $"the gateway routes to {string.Join(", ", instanceIds)}");
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await GetAsync(path);
            return response.StatusCode == System.Net.HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), $"{path} answers through the gateway");
    }

    /// <summary>GET through the gateway.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(Gateway.BaseAddress, path));

    /// <summary>GET through the gateway and the instance id that answered.</summary>
    public async Task<string> WhoAnsweredAsync(string path, HttpRequestMessage? request = null)
    {
        using var message = request ?? new HttpRequestMessage(HttpMethod.Get, new Uri(Gateway.BaseAddress, path));
        using var response = await Http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {body}{Environment.NewLine}{Gateway.Output}");
        return JsonDocument.Parse(body).RootElement.GetProperty("instanceId").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        Http.Dispose();
        Api?.Http.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (Etcd is not null) await Etcd.DisposeAsync();
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp directory is left behind then.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Testing;

/// <summary>
/// A real ConfigCenter server on Kestrel (a free loopback port), with its own SQLite data directory.
/// Pass etcd endpoints for etcd mode, none for standalone. Dispose and start another host on the same
/// <see cref="DataDirectory"/> to simulate a restart.
/// </summary>
public sealed class ConfigCenterServerHost : WebApplicationFactory<Program>
{
    public const string AdminPassword = "test-admin-password-1";

    private readonly IReadOnlyList<string> _etcdEndpoints;
    private readonly string _prefix;
    private readonly Dictionary<string, string?> _extraSettings;
    private readonly string _environment;
    private ILoggerProvider? _loggerProvider;

    private ConfigCenterServerHost(string dataDirectory, IReadOnlyList<string> etcdEndpoints, string prefix, int port,
        Dictionary<string, string?> extraSettings, string environment)
    {
        _environment = environment;
        DataDirectory = dataDirectory;
        _etcdEndpoints = etcdEndpoints;
        _prefix = prefix;
        _extraSettings = extraSettings;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public string Prefix => _prefix;

    /// <summary>
    /// Starts a server; <paramref name="dataDirectory"/> defaults to a new temp directory. <paramref name="extraPorts"/>: more
    /// loopback ports Kestrel listens on (e.g. a management port).
    /// </summary>
    public static async Task<ConfigCenterServerHost> StartAsync(IReadOnlyList<string>? etcdEndpoints = null, string? prefix = null,
        string? dataDirectory = null, IDictionary<string, string?>? settings = null, int? port = null, string environment = "Development",
        IReadOnlyList<int>? extraPorts = null, ILoggerProvider? loggerProvider = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("configcenter-test-").FullName;
        var host = new ConfigCenterServerHost(dataDirectory, etcdEndpoints ?? [], prefix ?? EtcdClusterFixtureBase.NewPrefix(),
            port ?? FreePort.Get(), new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()), environment);
        // Test assemblies get a content-root attribute from Mvc.Testing; other hosts (the benchmarks) do not.
        const string ContentRootVariable = "ASPNETCORE_TEST_CONTENTROOT_CONFIGCENTER_SERVER";
        if (Environment.GetEnvironmentVariable(ContentRootVariable) is null) Environment.SetEnvironmentVariable(ContentRootVariable, ServerContentRoot());
        host._loggerProvider = loggerProvider;
        if (extraPorts is { Count: > 0 })
        {
            host.UseKestrel(o =>
            {
                o.Listen(System.Net.IPAddress.Loopback, host.Port);
                foreach (var extra in extraPorts) o.Listen(System.Net.IPAddress.Loopback, extra);
            });
        }
        else
        {
            host.UseKestrel(host.Port);
        }
        try
        {
            host.StartServer();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        await WaitFor.ConditionAsync(async () =>
        {
            using var client = host.CreateHttpClient();
            return (await client.GetAsync("/health/live")).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the server answers /health/live");
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConfigCenter:DataDirectory", DataDirectory);
        builder.UseSetting("ConfigCenter:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("DetailedErrors", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        builder.UseSetting("ConfigCenter:Etcd:Prefix", _prefix);
        for (var i = 0; i < _etcdEndpoints.Count; i++) builder.UseSetting($"ConfigCenter:Etcd:Endpoints:{i}", _etcdEndpoints[i]);
        foreach (var (key, value) in _extraSettings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // A test that inspects the server's logs sees everything, whatever the levels above let through to the console.
        if (_loggerProvider is { } provider) builder.ConfigureLogging(logging => 
        {
            logging.AddProvider(provider);
            logging.Services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(provider.GetType().FullName, null, LogLevel.Trace, null)));
        });
    }

    private static string ServerContentRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ConfigCenter.Server");
            if (Directory.Exists(candidate)) return candidate;
        }
        return AppContext.BaseDirectory;
    }

    /// <summary>
    /// A replica on PostgreSQL: <paramref name="connectionString"/> is the shared store, etcd is required. Each replica
    /// still gets its own (unused) data directory, so nothing is shared through the file system.
    /// </summary>
    public static Task<ConfigCenterServerHost> StartReplicaAsync(string connectionString, IReadOnlyList<string> etcdEndpoints, string prefix,
        IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConfigCenter:Store:Provider"] = "postgres",
            ["ConfigCenter:Store:ConnectionString"] = connectionString,
        };
        return StartAsync(etcdEndpoints, prefix, settings: all);
    }

    /// <summary>A plain client for the Kestrel port (no credentials).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    /// <summary>A client signed in as the bootstrap admin through <c>POST /api/v1/auth/token</c>.</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        var client = CreateHttpClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    /// <summary>A client signed in as <paramref name="userName"/> through <c>POST /api/v1/auth/token</c>.</summary>
    public async Task<HttpClient> CreateUserClientAsync(string userName, string password)
    {
        string token;
        using (var anonymous = CreateHttpClient())
        {
            using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = userName, password });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Signing in as {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
        }
        var client = CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private sealed record TokenBody(string AccessToken, DateTimeOffset ExpiresAt);
}

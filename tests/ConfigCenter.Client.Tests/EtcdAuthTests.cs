using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Etcdserverpb;
using Grpc.Net.Client;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// etcd with authentication enabled: the server publishes and the client watches with a user and password, and both
/// keep working after etcd has forgotten their tokens (simple tokens expire 2 s after their last use here).
/// </summary>
public sealed class EtcdAuthTests
{
    private const string User = "root";
    private const string Password = "etcd-root-password-1";

    [Fact]
    public async Task EtcdTransport_WithUserAndPassword_CatchesUpAfterItsTokenExpired()
    {
        await using var etcd = await EtcdCluster.StartAsync(1, arguments: _ => ["--auth-token-ttl=2"]);
        await EnableAuthAsync(etcd.Endpoints[0]);
        await using var server = await StartServerAsync(etcd);
        using var admin = await server.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(admin);
        var app = ServerFixtureBase.NewApp("etcd-auth");
        await api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello"));
        await WaitDeliveredAsync(admin);

        await using var proxy = new TcpProxy(new Uri(etcd.Endpoints[0]));
        using var client = TestClient.Start(o =>
        {
            (o.App, o.Environment) = (app, "dev");
            (o.Etcd.Endpoints, o.Etcd.Prefix) = ([proxy.Url], server.Prefix);
            (o.Etcd.Username, o.Etcd.Password) = (User, Password);
        });
        Assert.Equal("hello", client.Monitor.CurrentValue.Greeting);

        // Both tokens expire while nothing happens; then the client loses its connection and a release is published.
        // The expiry runs on etcd's clock and nothing shows it without using (and so refreshing) a token, hence a
        // wait of twice the TTL rather than a condition. (Restarting etcd instead did not make it refuse the client's
        // token in a trial run, so it would not test the renewal.)
        await Task.Delay(TimeSpan.FromSeconds(4));
        proxy.Disconnect();
        var revision = await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hi"));
        await WaitDeliveredAsync(admin); // the server's relay re-authenticated to deliver it
        proxy.Reconnect();

        // The client's watch comes back with the expired token, is refused, authenticates again and catches up.
        try
        {
            await client.WaitAppliedAsync("application", revision, TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; client log: {string.Join(" | ", client.Logs.Entries.Select(l => $"{l.Level}: {l.Message}"))}", e);
        }
        Assert.Equal("hi", client.Monitor.CurrentValue.Greeting);
        Assert.True(client.Logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "invalid auth token"),
            "the client should have been refused with its expired token: " + string.Join(" | ", client.Logs.Entries.Select(e => e.Message)));
    }

    [Fact]
    public async Task ServerWatch_WithUserAndPassword_AuthenticatesAgainAfterEtcdForgotItsToken()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await EnableAuthAsync(etcd.Endpoints[0]);
        await using var server = await StartServerAsync(etcd);
        using var admin = await server.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(admin);
        var app = ServerFixtureBase.NewApp("etcd-auth-server");
        var apiKey = await api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello"));
        await WaitDeliveredAsync(admin);
        using var reader = server.CreateHttpClient();
        reader.DefaultRequestHeaders.Add(Contracts.ConfigHubRoutes.ApiKeyHeader, apiKey);
        // The other replica publishes in the same release history (generation) as r1.
        var generation = (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/config/dev/{app}/application")).GetProperty("generation").GetString()!;

        // A restart drops every stream and every token; then a release arrives through etcd from elsewhere
        // (another replica), which only the server's watch can bring into its memory.
        await etcd.StopMemberAsync(0);
        await etcd.StartMemberAsync(0);
        var items = new Dictionary<string, string?> { ["Greeting"] = "from another replica" };
        var document = new Contracts.ReleaseDocument
        {
            App = app,
            Environment = "dev",
            Namespace = "application",
            Generation = generation,
            Revision = 9,
            Format = "properties",
            PublishedAt = DateTimeOffset.UtcNow,
            PublishedBy = "replica-2",
            Message = "elsewhere",
            Checksum = Contracts.ReleaseChecksum.Compute(items),
            Items = items,
        };
        await PutAuthenticatedAsync(etcd.Endpoints[0], Contracts.EtcdKeys.Config(server.Prefix, "dev", app, "application"),
            JsonSerializer.Serialize(document, Contracts.ContractsJsonContext.Default.ReleaseDocument));

        await WaitFor.ConditionAsync(async () =>
            (await reader.GetAsync($"/api/v1/config/dev/{app}/application")).Headers.ETag?.Tag == Contracts.ReleaseOrder.ETag(generation, 9),
            TimeSpan.FromSeconds(30), "the server's watch brought r9 into the read endpoint");
    }

    [Fact]
    public async Task EtcdTransport_WithAWrongPassword_FailsStartupNamingTheCause()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await EnableAuthAsync(etcd.Endpoints[0]);

        var error = Assert.ThrowsAny<Exception>(() => TestClient.Start(o =>
        {
            (o.App, o.Environment) = ("auth-app", "dev");
            o.Etcd.Endpoints = [.. etcd.Endpoints];
            (o.Etcd.Username, o.Etcd.Password) = (User, "not-the-password");
            o.StartupTimeout = TimeSpan.FromSeconds(3);
        }));

        Assert.Contains("auth-app", error.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Server_WithAWrongEtcdPassword_FailsStartupNamingTheSettings()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await EnableAuthAsync(etcd.Endpoints[0]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Etcd:Username"] = User,
            ["ConfigCenter:Etcd:Password"] = "not-the-password",
        }));

        var message = Messages(error);
        Assert.Contains("ConfigCenter:Etcd:Password", message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Server_WithAnEtcdUserThatMayNotUseThePrefix_FailsStartupNamingThePrefix()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await etcd.EnableAuthAsync(Password, new EtcdUser("configcenter", "configcenter-password-1", "elsewhere", "/elsewhere/"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix: "/cc", settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Etcd:Username"] = "configcenter",
            ["ConfigCenter:Etcd:Password"] = "configcenter-password-1",
        }));

        var message = Messages(error);
        Assert.Contains("may not read the key prefix /cc/", message, StringComparison.Ordinal);
        Assert.Contains("permission denied", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Server_WithAnEtcdUserWhoseRoleHasThePrefix_Starts_AndDelivers()
    {
        await using var etcd = await EtcdCluster.StartAsync(1);
        await etcd.EnableAuthAsync(Password, new EtcdUser("configcenter", "configcenter-password-1", "configcenter", "/cc/"));
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints, prefix: "/cc", settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Etcd:Username"] = "configcenter",
            ["ConfigCenter:Etcd:Password"] = "configcenter-password-1",
        });
        using var admin = await server.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(admin);
        var app = ServerFixtureBase.NewApp("etcd-role");
        await api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await api.PublishItemsAsync(app, "dev", "application", ("Greeting", "hello"));
        await WaitDeliveredAsync(admin);

        // The cluster's helpers sign in as root since EnableAuthAsync.
        var document = await etcd.GetAsync(Contracts.EtcdKeys.Config("/cc", "dev", app, "application"));
        Assert.Contains("hello", document, StringComparison.Ordinal);
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException) messages.Add(e.Message);
        if (error is AggregateException aggregate) messages.AddRange(aggregate.Flatten().InnerExceptions.Select(e => e.Message));
        return string.Join(" | ", messages);
    }

    /// <summary>Adds the root user with the root role and turns authentication on, as <c>etcdctl</c> would.</summary>
    private static async Task EnableAuthAsync(string endpoint)
    {
        using var channel = GrpcChannel.ForAddress(endpoint);
        var auth = new Auth.AuthClient(channel);
        await auth.UserAddAsync(new AuthUserAddRequest { Name = User, Password = Password });
        await auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = User, Role = "root" });
        await auth.AuthEnableAsync(new AuthEnableRequest());
    }

    private static Task<ConfigCenterServerHost> StartServerAsync(EtcdCluster etcd) =>
        ConfigCenterServerHost.StartAsync(etcd.Endpoints, settings: new Dictionary<string, string?>
        {
            ["ConfigCenter:Etcd:Username"] = User,
            ["ConfigCenter:Etcd:Password"] = Password,
        });

    private static async Task PutAuthenticatedAsync(string endpoint, string key, string value)
    {
        using var channel = GrpcChannel.ForAddress(endpoint);
        var token = (await new Auth.AuthClient(channel).AuthenticateAsync(new AuthenticateRequest { Name = User, Password = Password })).Token;
        await new KV.KVClient(channel).PutAsync(
            new PutRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(key), Value = Google.Protobuf.ByteString.CopyFromUtf8(value) },
            new Grpc.Core.Metadata { { "token", token } });
    }

    private static Task WaitDeliveredAsync(HttpClient admin) =>
        WaitFor.ConditionAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("outbox").GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(20), "the server delivered every release to etcd");
}

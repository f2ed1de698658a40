using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>Who calls in the authorization matrix.</summary>
public enum Caller
{
    Anonymous,
    Viewer,
    Editor,
    Publisher,
    Owner,
    Admin,
    ClientKey,
    RevokedKey,
    DeletedAppKey,
}

/// <summary>
/// A server on real etcd with app <c>mx</c> (namespace <c>application</c>, published in <c>prod</c>) and one principal per
/// <see cref="Caller"/>: users with each role (by API), a client key for mx/prod, a revoked key, and a key of a deleted app.
/// </summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public const string App = "mx";
    public const string Env = "prod";
    public const string Ns = "application";
    public const string SpareApp = "mx-spare";
    public const string Password = "matrix-password-123";

    private readonly Dictionary<Caller, string> _bearer = [];
    private readonly Dictionary<Caller, string> _keys = [];

    private readonly EtcdClusterFixture _etcd = new();

    public ConfigCenterServerHost Host { get; private set; } = null!;
    public ConfigCenterApiClient Admin { get; private set; } = null!;
    public int TargetUserId { get; private set; }
    public List<int> DisposableKeyIds { get; } = [];

    public async Task InitializeAsync()
    {
        // Real etcd: the registry endpoints and publishing run against it as in production.
        await _etcd.InitializeAsync();
        Host = await ConfigCenterServerHost.StartAsync(_etcd.Endpoints);
        Admin = new ConfigCenterApiClient(await Host.CreateAdminClientAsync());
        await Admin.CreateAppAsync(App, (Ns, "properties"));
        await Admin.PublishItemsAsync(App, Env, Ns, ("Greeting", "hello"));
        _keys[Caller.ClientKey] = await Admin.CreateApiKeyAsync(App, Env);
        var revoked = await Admin.CreateApiKeyAsync(App, Env);
        var keys = await Admin.GetJsonAsync($"/api/v1/apps/{App}/envs/{Env}/keys");
        var revokedId = keys.EnumerateArray().Last().GetProperty("id").GetInt32();
        (await Admin.Http.DeleteAsync($"/api/v1/apps/{App}/envs/{Env}/keys/{revokedId}")).EnsureSuccessStatusCode();
        _keys[Caller.RevokedKey] = revoked;
        for (var i = 0; i < 3; i++)
        {
            await Admin.CreateApiKeyAsync(App, Env);
            DisposableKeyIds.Add((await Admin.GetJsonAsync($"/api/v1/apps/{App}/envs/{Env}/keys")).EnumerateArray().Last().GetProperty("id").GetInt32());
        }
        await Admin.CreateAppAsync(SpareApp, (Ns, "properties"));
        await Admin.CreateAppAsync("mx-gone", (Ns, "properties"));
        _keys[Caller.DeletedAppKey] = await Admin.CreateApiKeyAsync("mx-gone", Env);
        await Admin.DeleteAppAsync("mx-gone");

        await AddUserAsync(Caller.Viewer, apps: [(App, "Viewer")]);
        await AddUserAsync(Caller.Editor, apps: [(App, "Editor")]);
        await AddUserAsync(Caller.Owner, apps: [(App, "Owner")]);
        await AddUserAsync(Caller.Publisher, publisher: [(Env, App)]);
        await AddUserAsync(Caller.Admin, isAdmin: true);
        TargetUserId = await Admin.CreateUserAsync("matrix-target", Password);
    }

    public async Task DisposeAsync()
    {
        Admin.Http.Dispose();
        await Host.DisposeAsync();
        await _etcd.DisposeAsync();
    }

    /// <summary>A request carrying the caller's credentials.</summary>
    public HttpRequestMessage Request(Caller caller, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (_bearer.TryGetValue(caller, out var token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (_keys.TryGetValue(caller, out var key)) request.Headers.Add(ConfigHubRoutes.ApiKeyHeader, key);
        return request;
    }

    public string? KeyOf(Caller caller) => _keys.GetValueOrDefault(caller);

    public string? TokenOf(Caller caller) => _bearer.GetValueOrDefault(caller);

    private async Task AddUserAsync(Caller caller, (string, string)[]? apps = null, (string, string?)[]? publisher = null, bool isAdmin = false)
    {
        var name = $"matrix-{caller.ToString().ToLowerInvariant()}";
        var id = await Admin.CreateUserAsync(name, Password);
        await Admin.SetRolesAsync(id, isAdmin, apps ?? [], publisher ?? []);
        using var client = Host.CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = name, password = Password });
        response.EnsureSuccessStatusCode();
        _bearer[caller] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
    }
}

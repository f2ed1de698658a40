using System.Net.Http.Json;
using System.Text.Json;

namespace ConfigCenter.Testing;

/// <summary>
/// The server's management REST API as the tests drive it, named like the steps an admin takes. Methods that return
/// the <see cref="HttpResponseMessage"/> leave checking the answer to the test (bad-input tests need it); the others
/// fail the test on anything but success.
/// </summary>
public sealed class ConfigCenterApiClient(HttpClient http)
{
    public HttpClient Http => http;

    public static string Ns(string app, string env, string ns) => $"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}";

    /// <summary>Creates an app with the given namespaces (name, format).</summary>
    public async Task CreateAppAsync(string app, params (string Name, string Format)[] namespaces)
    {
        using (var created = await http.PostAsJsonAsync("/api/v1/apps", new { id = app, name = app })) await EnsureAsync(created);
        foreach (var (name, format) in namespaces)
        {
            using var response = await http.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name, format });
            await EnsureAsync(response);
        }
    }

    /// <summary>Creates an app with the given namespaces and returns a client API key for <paramref name="env"/>.</summary>
    public async Task<string> CreateAppWithKeyAsync(string app, string env, params (string Name, string Format)[] namespaces)
    {
        await CreateAppAsync(app, namespaces);
        return await CreateApiKeyAsync(app, env);
    }

    /// <summary><c>DELETE /api/v1/apps/{app}</c>: the app with its drafts, releases and keys.</summary>
    public async Task DeleteAppAsync(string app)
    {
        using var response = await http.DeleteAsync($"/api/v1/apps/{app}");
        await EnsureAsync(response);
    }

    public async Task<string> CreateApiKeyAsync(string app, string env)
    {
        using var response = await http.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/keys", new { name = "test" });
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary><c>PUT …/items/{key}</c>; the caller checks the answer.</summary>
    public Task<HttpResponseMessage> SetItemAsync(string app, string env, string ns, string key, string? value) =>
        http.PutAsJsonAsync($"{Ns(app, env, ns)}/items/{Uri.EscapeDataString(key)}", new { value });

    /// <summary><c>PUT …/content</c>; the caller checks the answer.</summary>
    public Task<HttpResponseMessage> SetContentAsync(string app, string env, string ns, string content) =>
        http.PutAsJsonAsync($"{Ns(app, env, ns)}/content", new { content });

    /// <summary>Sets one properties item, failing the test unless the server accepts it.</summary>
    public async Task SetAsync(string app, string env, string ns, string key, string value)
    {
        using var response = await SetItemAsync(app, env, ns, key, value);
        await EnsureAsync(response);
    }

    /// <summary>Deletes one properties item, failing the test unless the server accepts it.</summary>
    public async Task DeleteAsync(string app, string env, string ns, string key)
    {
        using var response = await http.DeleteAsync($"{Ns(app, env, ns)}/items/{Uri.EscapeDataString(key)}");
        await EnsureAsync(response);
    }

    /// <summary>Replaces a json/yaml draft, failing the test unless the server accepts it.</summary>
    public async Task SetDocumentAsync(string app, string env, string ns, string content)
    {
        using var response = await SetContentAsync(app, env, ns, content);
        await EnsureAsync(response);
    }

    /// <summary>Publishes the draft and returns the new revision.</summary>
    public async Task<long> PublishAsync(string app, string env, string ns, string message = "test")
    {
        using var response = await http.PostAsJsonAsync($"{Ns(app, env, ns)}/releases", new { message });
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("revision").GetInt64();
    }

    /// <summary>Sets <paramref name="items"/> (null value = delete) and publishes; returns the revision.</summary>
    public async Task<long> PublishItemsAsync(string app, string env, string ns, params (string Key, string? Value)[] items)
    {
        foreach (var (key, value) in items)
        {
            if (value is null) await DeleteAsync(app, env, ns, key);
            else await SetAsync(app, env, ns, key, value);
        }
        return await PublishAsync(app, env, ns);
    }

    /// <summary><c>GET /api/v1/apps/{app}/envs/{env}/instances</c>.</summary>
    public Task<JsonElement> InstancesAsync(string app, string env) => GetJsonAsync($"/api/v1/apps/{app}/envs/{env}/instances");

    /// <summary><c>POST /api/v1/users</c> (no password change required) and returns the new user's id.</summary>
    public async Task<int> CreateUserAsync(string userName, string password, bool isAdmin = false)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/users", new { userName, password, isAdmin, mustChangePassword = false });
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary><c>PUT /api/v1/users/{id}/roles</c>: app roles as (app, role), publisher rights as (env, app or null for every app).</summary>
    public async Task SetRolesAsync(int userId, bool isAdmin, (string App, string Role)[] apps, (string Env, string? App)[] publisher)
    {
        using var response = await http.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new
        {
            isAdmin,
            apps = apps.Select(a => new { app = a.App, role = a.Role }),
            publisher = publisher.Select(p => new { env = p.Env, app = p.App }),
        });
        await EnsureAsync(response);
    }
    /// <summary>The audit entries with exactly this action and target, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> AuditEntriesAsync(string action, string target)
    {
        var entries = await GetJsonAsync($"/api/v1/audit?action={Uri.EscapeDataString(action)}&take=1000");
        return [.. entries.EnumerateArray().Where(e => e.GetProperty("action").GetString() == action && e.GetProperty("target").GetString() == target)];
    }

    /// <summary><c>GET /api/v1/audit/verify</c>.</summary>
    public Task<JsonElement> VerifyAuditAsync() => GetJsonAsync("/api/v1/audit/verify");

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await http.GetAsync(path);
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw new InvalidOperationException(
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {body}");
    }
}

using System.Net.Http.Json;
using System.Text.Json;

namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>The server's management REST API, as an admin would drive it.</summary>
internal sealed class ConfigCenterApi(HttpClient admin)
{
    public HttpClient Http => admin;

    /// <summary>Creates an app with the given namespaces (name → format) and returns a client API key for <paramref name="env"/>.</summary>
    public async Task<string> CreateAppAsync(string app, string env, params (string Name, string Format)[] namespaces)
    {
        (await admin.PostAsJsonAsync("/api/v1/apps", new { id = app, name = app })).EnsureSuccessStatusCode();
        foreach (var (name, format) in namespaces)
        {
            (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name, format })).EnsureSuccessStatusCode();
        }
        var key = await (await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/keys", new { name = "tests" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        return key.GetProperty("key").GetString()!;
    }

    /// <summary><c>DELETE /api/v1/apps/{app}</c>: the app with its drafts, releases and keys.</summary>
    public async Task DeleteAppAsync(string app) => (await admin.DeleteAsync($"/api/v1/apps/{app}")).EnsureSuccessStatusCode();

    public async Task SetAsync(string app, string env, string ns, string key, string value) =>
        (await admin.PutAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/items/{Uri.EscapeDataString(key)}", new { value })).EnsureSuccessStatusCode();

    public async Task DeleteAsync(string app, string env, string ns, string key) =>
        (await admin.DeleteAsync($"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/items/{Uri.EscapeDataString(key)}")).EnsureSuccessStatusCode();

    public async Task SetContentAsync(string app, string env, string ns, string content) =>
        (await admin.PutAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/content", new { content })).EnsureSuccessStatusCode();

    /// <summary>Publishes the draft and returns the new revision.</summary>
    public async Task<long> PublishAsync(string app, string env, string ns, string message = "test")
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases", new { message });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
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
    public async Task<JsonElement> InstancesAsync(string app, string env) =>
        await admin.GetFromJsonAsync<JsonElement>($"/api/v1/apps/{app}/envs/{env}/instances");
}

using System.Net.Http.Json;
using System.Text.Json;

namespace ConfigCenter.Server.Tests;

/// <summary>The REST calls the tests make, named like the steps a user takes.</summary>
internal sealed class ManagementClient(HttpClient http)
{
    public HttpClient Http => http;

    public static string Ns(string app, string env, string ns) => $"/api/v1/apps/{app}/envs/{env}/namespaces/{ns}";

    public async Task CreateAppAsync(string app, params (string Name, string Format)[] namespaces)
    {
        (await http.PostAsJsonAsync("/api/v1/apps", new { id = app, name = app })).EnsureSuccessStatusCode();
        foreach (var (name, format) in namespaces)
        {
            (await http.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name, format })).EnsureSuccessStatusCode();
        }
    }

    public Task<HttpResponseMessage> SetItemAsync(string app, string env, string ns, string key, string? value) =>
        http.PutAsJsonAsync($"{Ns(app, env, ns)}/items/{Uri.EscapeDataString(key)}", new { value });

    public Task<HttpResponseMessage> SetContentAsync(string app, string env, string ns, string content) =>
        http.PutAsJsonAsync($"{Ns(app, env, ns)}/content", new { content });

    public async Task<long> PublishAsync(string app, string env, string ns, string message = "test")
    {
        var response = await http.PostAsJsonAsync($"{Ns(app, env, ns)}/releases", new { message });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Publish failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }

    public async Task<string> CreateApiKeyAsync(string app, string env)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/apps/{app}/envs/{env}/keys", new { name = "test" });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

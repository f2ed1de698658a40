using System.Security.Cryptography;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>
/// What the corpus must not change, as labelled fingerprints: every published namespace's draft (with its ETag),
/// release list, release documents, the bytes the client read endpoint serves and the bytes etcd holds, the API
/// keys of its environment; plus the listings (apps, environments, namespaces) the no-partial-write check compares.
/// </summary>
internal sealed class ServerState
{
    public Dictionary<string, string> Published { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Apps { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Environments { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, HashSet<string>> Namespaces { get; } = new(StringComparer.Ordinal);

    public static async Task<ServerState> CaptureAsync(ConfigCenterApiClient api, EtcdCluster etcd, string prefix,
        IReadOnlyList<CaseNamespace> published, IReadOnlyDictionary<(string App, string Env), string> clientKeys)
    {
        var state = new ServerState();
        foreach (var app in (await api.GetJsonAsync("/api/v1/apps")).EnumerateArray())
        {
            var id = app.GetProperty("id").GetString()!;
            state.Apps[id] = app.GetRawText();
            state.Namespaces[id] = [.. (await api.GetJsonAsync($"/api/v1/apps/{id}/namespaces")).EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
        }
        foreach (var env in (await api.GetJsonAsync("/api/v1/environments")).EnumerateArray()) state.Environments.Add(env.GetProperty("id").GetString()!);

        foreach (var target in published)
        {
            var path = ConfigCenterApiClient.Ns(target.App, target.Env, target.Ns);
            var label = $"{target.App}/{target.Env}/{target.Ns}";
            using (var draft = await api.Http.GetAsync(path))
            {
                state.Published[$"{label} draft"] = $"{(int)draft.StatusCode} {draft.Headers.ETag} {await draft.Content.ReadAsStringAsync()}";
            }
            var releases = await api.GetJsonAsync($"{path}/releases");
            state.Published[$"{label} release list"] = releases.GetRawText();
            foreach (var release in releases.EnumerateArray())
            {
                var revision = release.GetProperty("revision").GetInt64();
                state.Published[$"{label} r{revision}"] = (await api.GetJsonAsync($"{path}/releases/{revision}")).GetRawText();
            }
            using (var client = new HttpClient { BaseAddress = api.Http.BaseAddress })
            using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/config/{target.Env}/{target.App}/{target.Ns}"))
            {
                read.Headers.Add(ConfigHubRoutes.ApiKeyHeader, clientKeys[(target.App, target.Env)]);
                using var response = await client.SendAsync(read);
                state.Published[$"{label} read endpoint"] = $"{(int)response.StatusCode} {response.Headers.ETag} {Fingerprint(await response.Content.ReadAsByteArrayAsync())}";
            }
            var key = EtcdKeys.Config(prefix, target.Env, target.App, target.Ns);
            var stored = (await etcd.RangeAsync(key)).Where(kv => kv.Key == key).Select(kv => Fingerprint(kv.Value)).SingleOrDefault();
            state.Published[$"{label} etcd value"] = stored ?? "absent";
        }
        foreach (var (app, env) in published.Select(p => (p.App, p.Env)).Distinct())
        {
            var keys = (await api.GetJsonAsync($"/api/v1/apps/{app}/envs/{env}/keys")).EnumerateArray()
                .Select(k => $"{k.GetProperty("id").GetInt32()}:{k.GetProperty("name").GetString()}");
            state.Published[$"{app}/{env} API keys"] = string.Join(",", keys);
        }
        return state;
    }

    /// <summary>A short, exact stand-in for a byte string (SHA-256 and length).</summary>
    public static string Fingerprint(byte[] bytes) => $"{bytes.Length} bytes sha256:{Convert.ToHexString(SHA256.HashData(bytes))}";

    /// <summary>The values a 2xx response names (<c>id</c>, <c>name</c>), for "this new entity was created by an accepted request".</summary>
    public static IEnumerable<string> NamesIn(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            yield break; // a redirect page or an empty 204 names nothing
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) yield break;
            foreach (var property in new[] { "id", "name" })
            {
                if (document.RootElement.TryGetProperty(property, out var value)) yield return value.ToString();
            }
        }
    }
}

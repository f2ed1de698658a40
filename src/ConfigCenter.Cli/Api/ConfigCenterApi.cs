using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Api;

/// <summary>The management REST API (/api/v1). Every non-success answer becomes a <see cref="CliException"/> carrying the problem details.</summary>
internal sealed class ConfigCenterApi : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public ConfigCenterApi(Uri server, string? token, HttpMessageHandler? handler = null)
    {
        Server = server;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Server { get; }

    public void Dispose() => _http.Dispose();

    public Task<TokenResponse> SignInAsync(string username, string password, CancellationToken ct) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "api/v1/auth/token", new { username, password }, ct);

    public Task<List<AppView>> AppsAsync(CancellationToken ct) => SendAsync<List<AppView>>(HttpMethod.Get, "api/v1/apps", null, ct);

    public async Task<AppView?> FindAppAsync(string app, CancellationToken ct) =>
        (await AppsAsync(ct)).FirstOrDefault(a => string.Equals(a.Id, app, StringComparison.Ordinal));

    public Task<AppView> CreateAppAsync(string id, string? name, string? description, CancellationToken ct) =>
        SendAsync<AppView>(HttpMethod.Post, "api/v1/apps", new { id, name = name ?? id, description = description ?? "" }, ct);

    public Task DeleteAppAsync(string app, CancellationToken ct) => SendAsync<object>(HttpMethod.Delete, $"api/v1/apps/{E(app)}", null, ct);

    public Task<List<EnvironmentView>> EnvironmentsAsync(CancellationToken ct) =>
        SendAsync<List<EnvironmentView>>(HttpMethod.Get, "api/v1/environments", null, ct);

    public Task<EnvironmentView> CreateEnvironmentAsync(string id, CancellationToken ct) =>
        SendAsync<EnvironmentView>(HttpMethod.Post, "api/v1/environments", new { id, name = id }, ct);

    public Task<List<NamespaceView>> NamespacesAsync(string app, CancellationToken ct) =>
        SendAsync<List<NamespaceView>>(HttpMethod.Get, $"api/v1/apps/{E(app)}/namespaces", null, ct);

    public Task<NamespaceView> CreateNamespaceAsync(string app, string name, string format, CancellationToken ct) =>
        SendAsync<NamespaceView>(HttpMethod.Post, $"api/v1/apps/{E(app)}/namespaces", new { name, format }, ct);

    public Task<DraftView> DraftAsync(NamespaceRef ns, CancellationToken ct) => SendAsync<DraftView>(HttpMethod.Get, ns.Path, null, ct);

    /// <summary>Draft writes take the ETag the caller last saw (null = unconditional) and return the draft's new one.</summary>
    public Task<string?> SetItemAsync(NamespaceRef ns, string key, string? value, string? comment, CancellationToken ct, string? ifMatch = null) =>
        WriteDraftAsync(ns, HttpMethod.Put, $"{ns.Path}/items/{E(key)}", new { value, comment }, ifMatch, ct);

    public Task<string?> DeleteItemAsync(NamespaceRef ns, string key, CancellationToken ct, string? ifMatch = null) =>
        WriteDraftAsync(ns, HttpMethod.Delete, $"{ns.Path}/items/{E(key)}", null, ifMatch, ct);

    public Task<string?> SetContentAsync(NamespaceRef ns, string content, CancellationToken ct, string? ifMatch = null) =>
        WriteDraftAsync(ns, HttpMethod.Put, $"{ns.Path}/content", new { content }, ifMatch, ct);

    public Task<List<ReleaseSummary>> ReleasesAsync(NamespaceRef ns, CancellationToken ct) =>
        SendAsync<List<ReleaseSummary>>(HttpMethod.Get, $"{ns.Path}/releases", null, ct);

    public Task<ReleaseDetail> ReleaseAsync(NamespaceRef ns, long revision, CancellationToken ct) =>
        SendAsync<ReleaseDetail>(HttpMethod.Get, $"{ns.Path}/releases/{revision}", null, ct);

    /// <summary>
    /// Publishes the draft: a release (201), or, where the environment requires review, a release request (202) that
    /// another Publisher approves before anything is published.
    /// </summary>
    public async Task<PublishResult> PublishAsync(NamespaceRef ns, string? message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{ns.Path}/releases") { Content = JsonContent.Create(new { message }, options: Json) };
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await ProblemAsync(response, ct);
        return response.StatusCode == HttpStatusCode.Accepted
            ? new PublishResult(null, await response.Content.ReadFromJsonAsync<ReleaseRequestSummary>(Json, ct))
            : new PublishResult(await response.Content.ReadFromJsonAsync<ReleaseSummary>(Json, ct), null);
    }

    public Task<ReleaseSummary> RollbackAsync(NamespaceRef ns, long revision, string? message, CancellationToken ct) =>
        SendAsync<ReleaseSummary>(HttpMethod.Post, $"{ns.Path}/releases/{revision}/rollback", new { message }, ct);

    public Task<CreatedApiKey> CreateKeyAsync(string app, string env, string? name, CancellationToken ct) =>
        SendAsync<CreatedApiKey>(HttpMethod.Post, $"api/v1/apps/{E(app)}/envs/{E(env)}/keys", new { name }, ct);

    public Task<List<ApiKeyView>> KeysAsync(string app, string env, CancellationToken ct) =>
        SendAsync<List<ApiKeyView>>(HttpMethod.Get, $"api/v1/apps/{E(app)}/envs/{E(env)}/keys", null, ct);

    public Task RevokeKeyAsync(string app, string env, int id, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"api/v1/apps/{E(app)}/envs/{E(env)}/keys/{id}", null, ct);

    /// <summary>The flat items of a draft: the items of a properties namespace, the flattened document otherwise.</summary>
    public static IReadOnlyDictionary<string, string?> ItemsOf(DraftView draft)
    {
        if (!NamespaceFormats.TryParse(draft.Format, out var format) || format == NamespaceFormat.Properties)
            return draft.Items.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(draft.Content)) return new Dictionary<string, string?>(); // a new json/yaml namespace
        var flat = DocumentFlattener.Flatten(format, draft.Content);
        return flat.Items ?? throw new CliException($"The draft is not a valid {draft.Format} document: {flat.Error!.Message}");
    }

    /// <summary>The items of the namespace's current release; empty when nothing was published.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> LiveItemsAsync(NamespaceRef ns, long? publishedRevision, CancellationToken ct) =>
        publishedRevision is { } revision ? (await ReleaseAsync(ns, revision, ct)).Items : new Dictionary<string, string?>();

    private async Task<string?> WriteDraftAsync(NamespaceRef ns, HttpMethod method, string path, object? body, string? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
            throw new CliException($"412 Precondition Failed: the draft of {ns} changed after it was read (someone else edited it); "
                + "nothing more was written to it; run the command again.");
        if (!response.IsSuccessStatusCode) throw await ProblemAsync(response, ct);
        return response.Headers.ETag?.ToString();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await ProblemAsync(response, ct);
        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object)) return default!;
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    // "title: detail (field, line 3, column 5)" — one line, what the server said, nothing more.
    private static async Task<CliException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var text = await response.Content.ReadAsStringAsync(ct);
        var notSignedIn = new CliException($"{status}: not signed in or the token expired; run `configcenter login` or set CONFIGCENTER_TOKEN.");
        if (response.StatusCode == HttpStatusCode.Unauthorized && string.IsNullOrWhiteSpace(text)) return notSignedIn;
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var where = new List<string>();
            if (root.TryGetProperty("field", out var f)) where.Add(f.ToString());
            if (root.TryGetProperty("line", out var l)) where.Add($"line {l}");
            if (root.TryGetProperty("column", out var c)) where.Add($"column {c}");
            // A rejected token gets a bare "Unauthorized" problem; sign-in failures say what was wrong in the detail.
            if (response.StatusCode == HttpStatusCode.Unauthorized && string.IsNullOrEmpty(detail)) return notSignedIn;
            var message = string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s)));
            if (where.Count > 0) message += $" ({string.Join(", ", where)})";
            return new CliException($"{status}: {(message.Length > 0 ? message : text)}");
        }
        catch (JsonException)
        {
            return new CliException(text.Length is > 0 and < 300 ? $"{status}: {text.Trim()}" : status);
        }
    }

    private static string E(string segment) => Uri.EscapeDataString(segment);
}

/// <summary>One namespace in one environment of one app.</summary>
internal sealed record NamespaceRef(string App, string Environment, string Namespace)
{
    public string Path => $"api/v1/apps/{Uri.EscapeDataString(App)}/envs/{Uri.EscapeDataString(Environment)}/namespaces/{Uri.EscapeDataString(Namespace)}";

    public override string ToString() => $"{App}/{Environment}/{Namespace}";
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Server;

/// <summary>
/// The HTTP fallback: <c>GET /api/v1/config/{env}/{app}/{ns}</c> for every namespace, with <c>If-None-Match</c>
/// naming the applied release (<see cref="ReleaseOrder.ETag"/>), applied as one reload.
/// </summary>
internal sealed class SnapshotClient(ConfigCenterOptions options, ReleaseApplier applier) : IDisposable
{
    private readonly HttpClient http = CreateHttpClient(options.Server);

    public const string Source = "http";

    /// <summary>
    /// The <c>code</c> member of the server's 404 problem details for a namespace without a release. Only that
    /// answer means "live, nothing published"; any other 404 is a wrong URL (another host, a wrong base path).
    /// </summary>
    private const string ReleaseNotFoundCode = "release-not-found";

    private const string ProblemJson = "application/problem+json";

    /// <summary>Fetches every namespace; throws when the server cannot be read (unreachable, 401, 403, 5xx, not a ConfigCenter server).</summary>
    public async Task FetchAllAsync(CancellationToken ct)
    {
        var known = applier.Current;
        var documents = new List<ReleaseDocument>();
        foreach (var ns in options.Namespaces)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ConfigHubRoutes.Snapshot(options.Environment, options.App, ns).TrimStart('/'));
            request.Headers.Add(ConfigHubRoutes.ApiKeyHeader, options.Server.ApiKey);
            if (known.TryGetValue(ns, out var applied))
            {
                request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(ReleaseOrder.ETag(applied.Generation, applied.Revision)));
            }
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotModified) continue;
            if (response.StatusCode == HttpStatusCode.NotFound && await IsReleaseNotFoundAsync(response, ct)) continue;
            var notARelease = response.StatusCode == HttpStatusCode.NotFound
                || (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/json");
            if (!response.IsSuccessStatusCode || notARelease)
            {
                var hint = notARelease ? ", which is not a ConfigCenter server's answer (is ConfigCenter:Server:Url the server's base URL?)" : "";
                throw new HttpRequestException($"GET {request.RequestUri} answered {await DescribeAsync(response, ct)}{hint}", null, response.StatusCode);
            }
            var document = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), ContractsJsonContext.Default.ReleaseDocument, ct);
            if (document is not null) documents.Add(document);
        }
        if (documents.Count > 0) applier.Offer(documents, Source);
    }

    private static async Task<bool> IsReleaseNotFoundAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType != ProblemJson) return false;
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() == ReleaseNotFoundCode;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Status, content type and the start of the body: enough to recognise a wrong host or path.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        body = body.Length > 200 ? body[..200] + "…" : body;
        var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
        return $"{(int)response.StatusCode} {response.ReasonPhrase} ({type}{(body.Length == 0 ? "" : $": {body.ReplaceLineEndings(" ")}")})";
    }

    public static HttpClient CreateHttpClient(ServerTransportOptions server)
    {
        var baseUrl = server.Url!.EndsWith('/') ? server.Url : server.Url + "/";
        return new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = server.RequestTimeout };
    }

    public void Dispose() => http.Dispose();
}

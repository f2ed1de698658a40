using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Server;

/// <summary>
/// The HTTP fallback: <c>GET /api/v1/config/{env}/{app}/{ns}</c> with <c>If-None-Match: "{applied revision}"</c>
/// for every namespace, applied as one reload.
/// </summary>
internal sealed class SnapshotClient(ConfigCenterOptions options, ReleaseApplier applier) : IDisposable
{
    private readonly HttpClient http = CreateHttpClient(options.Server);

    public const string Source = "http";

    /// <summary>Fetches every namespace; throws when the server cannot be read (unreachable, 401, 403, 5xx).</summary>
    public async Task FetchAllAsync(CancellationToken ct)
    {
        var known = applier.Revisions;
        var documents = new List<ReleaseDocument>();
        foreach (var ns in options.Namespaces)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ConfigHubRoutes.Snapshot(options.Environment, options.App, ns).TrimStart('/'));
            request.Headers.Add(ConfigHubRoutes.ApiKeyHeader, options.Server.ApiKey);
            if (known.TryGetValue(ns, out var revision)) request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.NotFound) continue;
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {request.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }
            var document = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), ContractsJsonContext.Default.ReleaseDocument, ct);
            if (document is not null) documents.Add(document);
        }
        if (documents.Count > 0) applier.Offer(documents, Source);
    }

    public static HttpClient CreateHttpClient(ServerTransportOptions server)
    {
        var baseUrl = server.Url!.EndsWith('/') ? server.Url : server.Url + "/";
        return new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = server.RequestTimeout };
    }

    public void Dispose() => http.Dispose();
}

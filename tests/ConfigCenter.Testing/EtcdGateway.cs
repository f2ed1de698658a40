using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ConfigCenter.Testing;

/// <summary>An error answered by etcd's v3 JSON gateway (or a non-success HTTP status).</summary>
public sealed class EtcdGatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EtcdGatewayException(string message, HttpStatusCode statusCode, string body)
        : base(message)
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>HTTP status of the gateway answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Raw body of the gateway answer.</summary>
    public string Body { get; }

    /// <summary>True for errors worth retrying on another member (unavailable, leader changed, timeouts).</summary>
    public bool IsTransient => (int)StatusCode >= 500;

    /// <summary>True when etcd refused the request's auth token (expired, or issued before an auth change): authenticate again.</summary>
    public bool IsAuthTokenRefused =>
        Body.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase)
        || Body.Contains("revision of auth store is old", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Minimal client of etcd's v3 JSON gateway (etcd 3.4 serves it under /v3/).</summary>
internal static class EtcdGateway
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static async Task<bool> IsHealthyAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(HttpMethod.Get, endpoint, "/health", null, timeout, cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("health", out var health)
                && health.ValueKind == JsonValueKind.String
                && health.GetString() == "true";
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or EtcdGatewayException or JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Posts <paramref name="body"/>; with <paramref name="auth"/>, signed in with its token, which is renewed (and the
    /// request repeated once) when etcd refuses it.
    /// </summary>
    public static async Task<JsonDocument> PostAsync(string endpoint, string path, object body, TimeSpan? timeout, CancellationToken cancellationToken, EtcdGatewayAuth? auth = null)
    {
        var json = JsonSerializer.Serialize(body);
        var wait = timeout ?? DefaultRequestTimeout;
        for (var attempt = 1; ; attempt++)
        {
            var token = auth is null ? null : await auth.TokenAsync(endpoint, wait, cancellationToken).ConfigureAwait(false);
            try
            {
                var text = await SendAsync(HttpMethod.Post, endpoint, path, json, wait, cancellationToken, token).ConfigureAwait(false);
                return JsonDocument.Parse(text);
            }
            catch (EtcdGatewayException ex) when (token is not null && attempt == 1 && ex.IsAuthTokenRefused)
            {
                auth!.Refused(token);
            }
        }
    }

    /// <summary>Posts <paramref name="body"/> with exactly <paramref name="token"/> (no renewal).</summary>
    public static async Task<JsonDocument> PostWithTokenAsync(string endpoint, string path, object body, string token, CancellationToken cancellationToken)
    {
        var text = await SendAsync(HttpMethod.Post, endpoint, path, JsonSerializer.Serialize(body), DefaultRequestTimeout, cancellationToken, token).ConfigureAwait(false);
        return JsonDocument.Parse(text);
    }

    /// <summary>Signs in as <paramref name="user"/> (<c>/v3/auth/authenticate</c>) and returns the token.</summary>
    public static async Task<string> AuthenticateAsync(string endpoint, string user, string password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = user, ["password"] = password });
        var text = await SendAsync(HttpMethod.Post, endpoint, "/v3/auth/authenticate", json, timeout, cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(text);
        return EtcdGatewayAuth.ReadToken(doc);
    }

    public static long ReadInt64(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.String => long.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        _ => 0,
    };

    public static string ReadUInt64String(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.String => element.GetString()!,
        _ => string.Empty,
    };

    private static async Task<string> SendAsync(HttpMethod method, string endpoint, string path, string? json, TimeSpan timeout, CancellationToken cancellationToken, string? token = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, new Uri(endpoint + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        // The gateway hands the Authorization header to etcd as the request's token (the bare token, no scheme).
        if (token is not null) request.Headers.TryAddWithoutValidation("Authorization", token);

        try
        {
            using var response = await Http.SendAsync(request, cts.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new EtcdGatewayException(
                    $"etcd {method} {endpoint}{path} answered {(int)response.StatusCode} {response.StatusCode}: {text}",
                    response.StatusCode,
                    text);
            }

            return text;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"etcd {method} {endpoint}{path} did not answer within {timeout.TotalSeconds:0.###} s.", ex);
        }
    }
}

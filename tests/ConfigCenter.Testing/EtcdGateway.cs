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

    public static async Task<JsonDocument> PostAsync(string endpoint, string path, object body, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body);
        var text = await SendAsync(HttpMethod.Post, endpoint, path, json, timeout ?? DefaultRequestTimeout, cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(text);
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

    private static async Task<string> SendAsync(HttpMethod method, string endpoint, string path, string? json, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, new Uri(endpoint + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

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

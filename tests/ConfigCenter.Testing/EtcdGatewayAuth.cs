using System.Text.Json;

namespace ConfigCenter.Testing;

/// <summary>
/// Signs the JSON-gateway helpers of an <see cref="EtcdCluster"/> in once etcd authentication is on: a token from
/// <c>/v3/auth/authenticate</c>, sent in the <c>Authorization</c> header, and fetched again when etcd refuses it (a
/// simple token expires <c>--auth-token-ttl</c> seconds after its last use on a member).
/// </summary>
internal sealed class EtcdGatewayAuth(string user, string password)
{
    private string? _token;
    private int _renewals;

    public string User => user;

    /// <summary>How many times etcd refused the token and a new one was fetched.</summary>
    public int Renewals => Volatile.Read(ref _renewals);

    public async Task<string> TokenAsync(string endpoint, TimeSpan timeout, CancellationToken ct)
    {
        var token = Volatile.Read(ref _token);
        if (token is not null) return token;
        // Two callers may both authenticate at once; either token is valid, the last one is kept.
        token = await EtcdGateway.AuthenticateAsync(endpoint, user, password, timeout, ct).ConfigureAwait(false);
        Volatile.Write(ref _token, token);
        return token;
    }

    /// <summary>Drops <paramref name="token"/> after etcd refused it (unless a caller already replaced it).</summary>
    public void Refused(string token)
    {
        if (Interlocked.CompareExchange(ref _token, null, token) == token) Interlocked.Increment(ref _renewals);
    }

    internal static string ReadToken(JsonDocument doc) =>
        doc.RootElement.TryGetProperty("token", out var token) && token.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidOperationException($"etcd answered /v3/auth/authenticate without a token: {doc.RootElement}");
}

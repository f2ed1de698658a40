using Grpc.Core;

namespace ConfigCenter.Etcd;

/// <summary>
/// What an etcd error means for the caller: authenticate again, try another member (or later), or give up on
/// this request because retrying cannot fix it. The messages are etcd's own (<c>rpctypes</c> in etcd's source).
/// </summary>
public static class EtcdErrors
{
    /// <summary>
    /// True when the auth token was refused (expired, unknown after a member restart, or issued before an auth
    /// change): authenticate again and retry. Also true for a watch etcd cancelled for that reason.
    /// </summary>
    public static bool IsAuthExpired(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode == StatusCode.Unauthenticated
               || Has(exception, "invalid auth token")
               || Has(exception, "revision of auth store is old");
    }

    /// <summary>
    /// True when etcd refused the configured user: a wrong user name or password ("authentication failed, invalid user ID
    /// or password", "user name not found"). Signing in again cannot fix it; the settings must change.
    /// </summary>
    public static bool IsAuthenticationFailed(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Has(exception, "authentication failed") || Has(exception, "user name not found");
    }

    /// <summary>
    /// True when the member could not serve the request now (down, timed out, no leader, leader changed, stopping,
    /// too many requests): retry, on another member when there is one.
    /// </summary>
    public static bool IsUnreachable(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown
               or StatusCode.Aborted
               || IsLeaderIssue(exception)
               || Has(exception, "too many requests");
    }

    /// <summary>True when <paramref name="exception"/> means etcd could not be reached or could not serve (see <see cref="IsUnreachable(RpcException)"/>), including timeouts and connection errors outside gRPC.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        RpcException rpc => IsUnreachable(rpc),
        TimeoutException or HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// True when retrying the same request cannot succeed: it is too large (<c>request is too large</c>, or over
    /// gRPC's message limit: ResourceExhausted), invalid (InvalidArgument), not allowed (PermissionDenied), or refused
    /// by a precondition that is not about the leader (FailedPrecondition). Auth failures, "too many requests" and a
    /// full database are excluded: they are about the connection or the cluster, not the request, and every other
    /// request would fail the same way.
    /// </summary>
    public static bool IsPermanent(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (IsAuthExpired(exception) || IsAuthenticationFailed(exception)) return false;
        return exception.StatusCode switch
        {
            StatusCode.ResourceExhausted => !Has(exception, "too many requests") && !Has(exception, "database space exceeded"),
            StatusCode.InvalidArgument or StatusCode.PermissionDenied => true,
            StatusCode.FailedPrecondition => !IsLeaderIssue(exception),
            _ => false,
        };
    }

    /// <summary>
    /// The error for a watch etcd cancelled. An expired token surfaces this way on a watch (not as a failed call),
    /// so it becomes Unauthenticated and the watch authenticates again instead of retrying with the same token.
    /// </summary>
    internal static RpcException WatchCancelled(string reason) =>
        new(new Status(
            reason.Contains("invalid auth token", StringComparison.OrdinalIgnoreCase) || reason.Contains("Unauthenticated", StringComparison.Ordinal)
                ? StatusCode.Unauthenticated
                : StatusCode.Aborted,
            $"etcd cancelled the watch: {reason}"));

    /// <summary>A short description for logs and status pages (never contains credentials).</summary>
    internal static string Describe(Exception exception) =>
        exception is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : exception.Message;

    private static bool IsLeaderIssue(RpcException exception) =>
        Has(exception, "no leader") || Has(exception, "not leader") || Has(exception, "leader changed") || Has(exception, "leader fail");

    private static bool Has(RpcException exception, string text) =>
        exception.Status.Detail?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
}

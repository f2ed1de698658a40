using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Model;
using RateLimitPartition = System.Threading.RateLimiting.RateLimitPartition;

namespace ConfigCenter.Gateway;

/// <summary>
/// The one ASP.NET Core rate-limiter policy every rate-limited route uses. It finds the route's policy in the routes
/// in force and partitions by route (or route and caller); the partition key includes the limit and window, so a
/// release that changes a policy starts fresh budgets. Past the limit: 429 with <c>Retry-After</c>.
/// </summary>
public sealed class GatewayRateLimiterPolicy(RegistryProxyConfigProvider provider) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "configcenter-routes";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => Reject;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var routeId = httpContext.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId;
        var routes = provider.Current.Snapshot;
        if (routeId is null || routes.ById.GetValueOrDefault(routeId)?.RateLimitPolicy is not { } name
            || routes.Routes.RateLimits.GetValueOrDefault(name) is not { } policy)
        {
            return RateLimitPartition.GetNoLimiter("none");
        }
        var caller = policy.Partition == Routes.RateLimitPartition.Caller ? Caller(httpContext) : "";
        var key = string.Create(CultureInfo.InvariantCulture, $"{routeId}|{policy.Name}|{policy.PermitLimit}|{policy.Window.Ticks}|{caller}");
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = policy.PermitLimit,
            Window = policy.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The caller: the token's subject, the API key's id, else the client address.</summary>
    private static string Caller(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } subject ? $"user:{subject}"
        : context.User.FindFirstValue(GatewayAuthentication.KeyIdClaim) is { } keyId ? $"key:{keyId}"
        : $"ip:{context.Connection.RemoteIpAddress}";

    private static ValueTask Reject(OnRejectedContext context, CancellationToken ct)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ValueTask.CompletedTask;
    }
}

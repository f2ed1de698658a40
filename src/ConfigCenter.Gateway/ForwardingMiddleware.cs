using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ConfigCenter.Gateway;

/// <summary>
/// The gateway's steps of YARP's proxy pipeline, before load balancing: the canary split, then forwarding with one
/// retry on another destination when that is safe, and the per-destination metrics of every attempt.
/// </summary>
public static class ForwardingMiddleware
{
    /// <summary>
    /// Refuses with 413, before anything is forwarded, a request whose declared length is over the route's limit
    /// (a chunked body over it is cut off while streaming: YARP sets the route's limit on the request).
    /// </summary>
    public static Task Limits(HttpContext context, Func<Task> next)
    {
        var provider = context.RequestServices.GetRequiredService<RegistryProxyConfigProvider>();
        var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
        var limit = provider.Current.Routes.FirstOrDefault(r => r.RouteId == routeId)?.MaxRequestBodySize;
        if (limit is > 0 && context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Task.CompletedTask;
        }
        return next();
    }

    /// <summary>Narrows the available destinations to the canary or to the stable instances of a route with a canary rule.</summary>
    public static Task Canary(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        var provider = context.RequestServices.GetRequiredService<RegistryProxyConfigProvider>();
        if (provider.Current.Snapshot.ById.GetValueOrDefault(feature.Route.Config.RouteId)?.Canary is { } canary)
        {
            var toCanary = CanarySplit.ToCanary(context.Request, canary);
            var chosen = feature.AvailableDestinations.Where(d => CanarySplit.IsCanary(d, canary) == toCanary).ToList();
            // No instance on the chosen side: the other side answers rather than nobody.
            if (chosen.Count > 0) feature.AvailableDestinations = chosen;
        }
        return next();
    }

    /// <summary>
    /// Forwards once; retries once on another destination when the first attempt could not connect, or got no
    /// response to a request that is idempotent (GET/HEAD/OPTIONS, or the route's <c>RetryNonIdempotent</c>) and has
    /// no body. Never after the response started, never after a timeout or a client abort.
    /// </summary>
    public static async Task Retry(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        var routeId = feature.Route.Config.RouteId;
        var metrics = context.RequestServices.GetRequiredService<GatewayMetrics>();
        var candidates = feature.AvailableDestinations;

        var failed = await AttemptAsync(context, next, feature, metrics, routeId).ConfigureAwait(false);
        if (failed is null || !MayRetry(context)) return;

        var others = candidates.Where(d => !ReferenceEquals(d, failed) && d.DestinationId != failed.DestinationId).ToList();
        if (others.Count == 0) return;
        metrics.Retry(routeId, failed.DestinationId);
        feature.AvailableDestinations = others;
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        await AttemptAsync(context, next, feature, metrics, routeId).ConfigureAwait(false);
    }

    /// <summary>One attempt; returns the destination when the attempt failed at the transport level.</summary>
    private static async Task<DestinationState?> AttemptAsync(HttpContext context, Func<Task> next, IReverseProxyFeature feature, GatewayMetrics metrics, string routeId)
    {
        var started = Stopwatch.GetTimestamp();
        await next().ConfigureAwait(false);
        var error = context.Features.Get<IForwarderErrorFeature>();
        var destination = feature.ProxiedDestination;
        if (destination is not null)
        {
            metrics.Attempt(routeId, destination.DestinationId, context.Response.StatusCode, error is not null, Stopwatch.GetElapsedTime(started));
        }
        return error is null ? null : destination;
    }

    private static bool MayRetry(HttpContext context)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return false;
        var error = context.Features.Get<IForwarderErrorFeature>()!;
        if (error.Error is not ForwarderError.Request) return false;
        // Nothing reached the destination: any request may go elsewhere.
        if (IsConnectFailure(error.Exception)) return true;
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody) return false;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return true;
        var provider = context.RequestServices.GetRequiredService<RegistryProxyConfigProvider>();
        return provider.Current.Snapshot.ById.GetValueOrDefault(context.GetReverseProxyFeature().Route.Config.RouteId)?.RetryNonIdempotent == true;
    }

    private static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }) return true;
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }) return true;
        }
        return false;
    }
}

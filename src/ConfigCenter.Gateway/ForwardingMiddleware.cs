using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
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
    /// response to a request that is idempotent: GET/HEAD/OPTIONS without a body, or any request of a route with
    /// <c>RetryNonIdempotent</c> (its body is buffered so it can be sent again). Never after the response started,
    /// never after a timeout or a client abort, never when a body that cannot be sent again may have been sent.
    /// </summary>
    public static async Task Retry(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        var routeId = feature.Route.Config.RouteId;
        var metrics = context.RequestServices.GetRequiredService<GatewayMetrics>();
        var candidates = feature.AvailableDestinations;
        var routeRetries = RouteRetriesAnyMethod(context, routeId);
        var replayableBody = routeRetries && HasBody(context.Request);
        if (replayableBody)
        {
            // In memory up to 64 KB, then a temporary file; never more than the route's body limit.
            const int InMemory = 64 * 1024;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit) context.Request.EnableBuffering(InMemory, limit);
            else context.Request.EnableBuffering(InMemory);
        }

        var failed = await AttemptAsync(context, next, feature, metrics, routeId).ConfigureAwait(false);
        if (failed is null || !MayRetry(context, routeRetries)) return;
        if (replayableBody) context.Request.Body.Position = 0;

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

    private static bool MayRetry(HttpContext context, bool routeRetries)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return false;
        var error = context.Features.Get<IForwarderErrorFeature>()!;
        if (error.Error is not ForwarderError.Request) return false;
        // No connection, so nothing of the request reached the destination (a body is sent only on a connection):
        // any request may go elsewhere.
        if (IsConnectFailure(error.Exception)) return true;
        // The route declared its requests safe to repeat; a body was buffered and is sent again from the start.
        if (routeRetries) return true;
        var request = context.Request;
        if (HasBody(request)) return false;
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
    }

    private static bool RouteRetriesAnyMethod(HttpContext context, string routeId) =>
        context.RequestServices.GetRequiredService<RegistryProxyConfigProvider>().Current.Snapshot.ById.GetValueOrDefault(routeId)?.RetryNonIdempotent == true;

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

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

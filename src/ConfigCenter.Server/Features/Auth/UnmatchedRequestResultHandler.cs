using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// The fallback policy also covers requests that match no endpoint at all. Nothing would serve those, so they go on
/// to their 404 instead of a 401/403: a client using a wrong base path learns that the path is wrong, not that its
/// (valid) key was refused. Every request that reaches an endpoint is authorized as usual.
/// </summary>
internal sealed class UnmatchedRequestResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        context.GetEndpoint() is null && !authorizeResult.Succeeded
            ? next(context)
            : _default.HandleAsync(next, context, policy, authorizeResult);
}

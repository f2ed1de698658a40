using Microsoft.AspNetCore.Authorization;
using ComponentRouteData = Microsoft.AspNetCore.Components.RouteData;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Decides <see cref="AppAccessRequirement"/>, <see cref="ActiveUserRequirement"/> and <see cref="SystemAdminRequirement"/>
/// from <see cref="AccessDirectory"/>. The app and environment come from the resource: an endpoint's
/// <see cref="HttpContext"/> (route values <c>{app}</c>, <c>{env}</c>), a page's <see cref="ComponentRouteData"/>, or an <see cref="AppScope"/>.
/// </summary>
internal sealed class AccessHandler(AccessDirectory directory) : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        var user = directory.User(context.User);
        var current = user is not null && directory.IsCurrent(context.User);
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            switch (requirement)
            {
                case ActiveUserRequirement active when current && (active.AllowPasswordChangePending || !user!.MustChangePassword):
                case SystemAdminRequirement when current && user!.IsAdmin:
                    context.Succeed(requirement);
                    break;
                case AppAccessRequirement access when current && !user!.MustChangePassword:
                    var (app, env) = Scope(context.Resource);
                    if (directory.Can(user, app, env, access.Right)) context.Succeed(requirement);
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static (string? App, string? Env) Scope(object? resource) => resource switch
    {
        HttpContext http => (RouteValue(http.GetRouteValue("app")), RouteValue(http.GetRouteValue("env"))),
        ComponentRouteData route => (RouteValue(route.RouteValues.GetValueOrDefault("App") ?? route.RouteValues.GetValueOrDefault("app")),
            RouteValue(route.RouteValues.GetValueOrDefault("Env") ?? route.RouteValues.GetValueOrDefault("env"))),
        AppScope scope => (scope.App, scope.Env),
        _ => (null, null),
    };

    private static string? RouteValue(object? value) => value?.ToString() is { Length: > 0 } s ? s : null;
}

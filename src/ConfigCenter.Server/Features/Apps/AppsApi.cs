using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Features.Apps;

/// <summary>Apps, environments and namespaces under <c>/api/v1</c>.</summary>
internal static class AppsApi
{
    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Apps");

        api.MapGet("/apps", async (AppService apps, AccessDirectory access, HttpContext http, CancellationToken ct) =>
        {
            // Everyone sees the apps they hold a role in (or publish for); Admins see all.
            var user = access.User(http.User);
            return (await apps.ListAsync(ct)).Where(a => user is not null && access.Sees(user, a.Id)).ToList();
        });
        api.MapPost("/apps", async (CreateAppRequest request, AppService apps, HttpContext http, CancellationToken ct) =>
        {
            var created = await apps.CreateAsync(request, http.User.UserName(), ct);
            return Results.Created($"/api/v1/apps/{created.Id}", created);
        }).RequireAuthorization(AuthConstants.AdminPolicy);
        api.MapGet("/apps/{app}", (string app, AppService apps, CancellationToken ct) => apps.GetAsync(app, ct)).RequireAuthorization(AuthConstants.AppReadPolicy);
        api.MapDelete("/apps/{app}", async (string app, AppService apps, HttpContext http, CancellationToken ct) =>
        {
            await apps.DeleteAsync(app, http.User.UserName(), ct);
            return Results.NoContent();
        }).RequireAuthorization(AuthConstants.AdminPolicy);

        api.MapGet("/environments", (AppService apps, CancellationToken ct) => apps.ListEnvironmentsAsync(ct));
        api.MapPost("/environments", async (CreateEnvironmentRequest request, AppService apps, HttpContext http, CancellationToken ct) =>
        {
            var created = await apps.CreateEnvironmentAsync(request, http.User.UserName(), ct);
            return Results.Created($"/api/v1/environments/{created.Id}", created);
        }).RequireAuthorization(AuthConstants.AdminPolicy);

        api.MapGet("/apps/{app}/namespaces", (string app, AppService apps, CancellationToken ct) => apps.ListNamespacesAsync(app, ct))
            .RequireAuthorization(AuthConstants.AppReadPolicy);
        api.MapPost("/apps/{app}/namespaces", async (string app, CreateNamespaceRequest request, AppService apps, HttpContext http, CancellationToken ct) =>
        {
            var created = await apps.CreateNamespaceAsync(app, request, http.User.UserName(), ct);
            return Results.Created($"/api/v1/apps/{app}/namespaces/{created.Name}", created);
        }).RequireAuthorization(AuthConstants.AppManagePolicy);
        api.MapGet("/apps/{app}/overview", (string app, AppService apps, CancellationToken ct) => apps.OverviewAsync(app, ct))
            .WithSummary("Published revision and unpublished changes of every namespace in every environment.")
            .RequireAuthorization(AuthConstants.AppReadPolicy);
        return app;
    }
}

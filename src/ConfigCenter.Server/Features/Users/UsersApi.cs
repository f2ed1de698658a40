using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Features.Users;

/// <summary><c>/api/v1/users</c> (Admin), <c>/api/v1/me</c> (any signed-in user) and <c>/api/v1/apps/{app}/members</c> (Owner).</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").RequireAuthorization(AuthConstants.AdminPolicy).WithTags("Users");
        users.MapGet("", (UserAccounts accounts, CancellationToken ct) => accounts.ListAsync(ct)).WithSummary("Users with roles, state and lockout.");
        users.MapPost("", async (CreateUserRequest request, UserAccounts accounts, HttpContext http, CancellationToken ct) =>
        {
            var created = await accounts.CreateAsync(request, http.User.UserName(), ct);
            return Results.Created($"/api/v1/users/{created.Id}", created);
        });
        users.MapGet("/{id:int}", (int id, UserAccounts accounts, CancellationToken ct) => accounts.GetAsync(id, ct));
        users.MapPut("/{id:int}/roles", async (int id, SetRolesRequest request, UserAccounts accounts, HttpContext http, CancellationToken ct) =>
        {
            await accounts.SetRolesAsync(id, request, http.User.UserName(), ct);
            return Results.NoContent();
        }).WithSummary("Replace the system role, app roles and publisher rights; ends the user's sessions.");
        users.MapPost("/{id:int}/disable", (int id, UserAccounts accounts, HttpContext http, CancellationToken ct) => SetDisabled(id, true, accounts, http, ct));
        users.MapPost("/{id:int}/enable", (int id, UserAccounts accounts, HttpContext http, CancellationToken ct) => SetDisabled(id, false, accounts, http, ct));
        users.MapPost("/{id:int}/password", async (int id, ResetPasswordRequest request, UserAccounts accounts, HttpContext http, CancellationToken ct) =>
        {
            await accounts.ResetPasswordAsync(id, request, http.User.UserName(), ct);
            return Results.NoContent();
        }).WithSummary("Set a new password (by default the user must change it at next sign-in); ends the user's sessions.");
        users.MapPost("/{id:int}/unlock", async (int id, UserAccounts accounts, CancellationToken ct) =>
        {
            var user = await accounts.GetAsync(id, ct);
            await accounts.UnlockAsync(user.UserName, ct);
            return Results.NoContent();
        }).WithSummary("End a sign-in lockout of the user.");

        var me = app.MapGroup("/api/v1/me").RequireAuthorization(AuthConstants.AccountPolicy).WithTags("Account");
        me.MapGet("", (HttpContext http, AccessDirectory directory) =>
        {
            var user = directory.User(http.User)!;
            return new MeView(user.Id, user.UserName, user.IsAdmin, user.MustChangePassword,
                [.. directory.MembershipsOf(user.Id).Select(m => new AppMembership(m.App, m.Role))],
                [.. directory.GrantsOf(user.Id).Select(g => new PublisherRight(g.Env, g.App))]);
        });
        me.MapPost("/password", async (ChangePasswordRequest request, UserAccounts accounts, HttpContext http, CancellationToken ct) =>
        {
            var error = await accounts.ChangeOwnPasswordAsync(http.User.UserId()!.Value, request.CurrentPassword, request.NewPassword, ct);
            if (error is not null) throw ConfigCenterException.Invalid("newPassword", error);
            return Results.NoContent();
        }).WithSummary("Change your own password; every session (this bearer token included) ends — sign in again.");
        var tokens = app.MapGroup("/api/v1/me/tokens").RequireAuthorization(AuthConstants.ManagementPolicy).WithTags("Account");
        tokens.MapGet("", (PersonalTokens pats, HttpContext http, CancellationToken ct) => pats.ListAsync(http.User.UserId()!.Value, ct));
        tokens.MapPost("", async (CreateTokenRequest request, PersonalTokens pats, HttpContext http, CancellationToken ct) =>
        {
            var created = await pats.CreateAsync(http.User.UserId()!.Value, http.User.UserName(), request, ct);
            return Results.Created($"/api/v1/me/tokens/{created.Id}", created);
        }).WithSummary("Create a personal access token; the secret is shown only in this response.");
        tokens.MapDelete("/{id:int}", async (int id, PersonalTokens pats, HttpContext http, CancellationToken ct) =>
        {
            await pats.RevokeAsync(http.User.UserId()!.Value, id, http.User.UserName(), ct);
            return Results.NoContent();
        });

        var members = app.MapGroup("/api/v1/apps/{app}/members").RequireAuthorization(AuthConstants.AppManagePolicy).WithTags("Users");
        members.MapGet("", (string app, AppMembers appMembers, CancellationToken ct) => appMembers.ListAsync(app, ct));
        members.MapPut("/{userName}", async (string app, string userName, SetMemberRequest request, AppMembers appMembers, HttpContext http, CancellationToken ct) =>
        {
            if (request.Role is null) throw ConfigCenterException.Invalid("role", "The role is Owner, Editor or Viewer.");
            await appMembers.SetAsync(app, userName, request.Role, http.User.UserName(), ct);
            return Results.NoContent();
        });
        members.MapDelete("/{userName}", async (string app, string userName, AppMembers appMembers, HttpContext http, CancellationToken ct) =>
        {
            await appMembers.SetAsync(app, userName, null, http.User.UserName(), ct);
            return Results.NoContent();
        });
        return app;
    }

    private static async Task<IResult> SetDisabled(int id, bool disabled, UserAccounts accounts, HttpContext http, CancellationToken ct)
    {
        await accounts.SetDisabledAsync(id, disabled, http.User.UserName(), ct);
        return Results.NoContent();
    }
}

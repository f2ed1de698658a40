using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ConfigCenter.Server.Components;

/// <summary>
/// What every page needs: the signed-in user's name for audit, and one way to turn a refusal from a
/// service into a snackbar instead of a broken circuit.
/// </summary>
public abstract class UiPageBase : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    [Inject] protected TimeProvider Time { get; set; } = default!;

    [Inject] private Features.Auth.AccessDirectory Access { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthenticationStateProvider { get; set; } = default!;

    /// <summary>
    /// Whether the signed-in user holds the right now (read live, so a role removed a second ago counts). Pages use it
    /// to hide or disable controls, and <see cref="RequireAsync"/> before acting: the UI calls services directly, so the
    /// page is where the server refuses.
    /// </summary>
    protected async Task<bool> MayAsync(Features.Auth.AppRight right, string? app, string? env)
    {
        var state = await AuthenticationStateProvider.GetAuthenticationStateAsync();
        return Access.Can(state.User, app, env, right);
    }

    /// <summary>
    /// The items of the apps the signed-in user sees (holds a role in or publishes for; Admins see all), as the
    /// <c>GET /api/v1/apps</c> list does: a page never lists an app the user could not open.
    /// </summary>
    protected async Task<IReadOnlyList<T>> VisibleAsync<T>(IEnumerable<T> items, Func<T, string> app)
    {
        var state = await AuthenticationStateProvider.GetAuthenticationStateAsync();
        if (!Access.IsCurrent(state.User) || Access.User(state.User) is not { } user) return [];
        return [.. items.Where(i => Access.Sees(user, app(i)))];
    }

    protected async Task<bool> IsAdminAsync()
    {
        var state = await AuthenticationStateProvider.GetAuthenticationStateAsync();
        return Access.IsCurrent(state.User) && Access.User(state.User) is { IsAdmin: true, MustChangePassword: false };
    }

    /// <summary>Throws a 403 <see cref="ConfigCenterException"/> (a snackbar through <see cref="TryAsync"/>) unless the user holds the right.</summary>
    protected async Task RequireAsync(Features.Auth.AppRight right, string? app, string? env)
    {
        if (!await MayAsync(right, app, env)) throw new ConfigCenterException(StatusCodes.Status403Forbidden, "Forbidden", $"You may not {right.ToString().ToLowerInvariant()} {app}{(env is null ? "" : $" in {env}")}.");
    }

    protected async Task RequireAdminAsync()
    {
        if (!await IsAdminAsync()) throw new ConfigCenterException(StatusCodes.Status403Forbidden, "Forbidden", "Only an admin may do this.");
    }

    protected async Task<string> UserNameAsync()
    {
        if (AuthenticationState is null) return "unknown";
        var state = await AuthenticationState;
        return state.User.Identity?.Name ?? "unknown";
    }

    /// <summary>Runs a service call; a <see cref="ConfigCenterException"/> becomes an error snackbar and false.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (ConfigCenterException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return false;
        }
    }
}

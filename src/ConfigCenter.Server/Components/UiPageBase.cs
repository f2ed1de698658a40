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

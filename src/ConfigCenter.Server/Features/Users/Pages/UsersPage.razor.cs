using ConfigCenter.Server.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Users.Pages;

/// <summary>Admins list users with their roles, state and lockout; create, set roles, reset passwords, disable and unlock.</summary>
public sealed partial class UsersPage : UiPageBase
{
    private readonly List<BreadcrumbItem> _crumbs = [new("Dashboard", "/"), new("Users", null, disabled: true)];
    private IReadOnlyList<UserView>? _users;

    [Inject] private UserAccounts Accounts { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _users = await Accounts.ListAsync(CancellationToken.None);

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>("New user", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: UserView created }) Snackbar.Add($"Created user '{created.UserName}'.", Severity.Success);
        await LoadAsync();
    }

    private async Task EditRolesAsync(UserView user)
    {
        var parameters = new DialogParameters<UserRolesDialog> { { d => d.User, user } };
        var dialog = await Dialogs.ShowAsync<UserRolesDialog>($"Roles of {user.UserName}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) Snackbar.Add($"Roles of '{user.UserName}' saved; their sessions ended.", Severity.Success);
        await LoadAsync();
    }

    private async Task ResetPasswordAsync(UserView user)
    {
        var parameters = new DialogParameters<ResetPasswordDialog> { { d => d.User, user } };
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>($"Reset the password of {user.UserName}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) Snackbar.Add($"Password of '{user.UserName}' reset; they set their own at next sign-in.", Severity.Success);
        await LoadAsync();
    }

    private async Task ToggleDisabledAsync(UserView user)
    {
        if (await TryAsync(async () =>
            {
                await RequireAdminAsync();
                await Accounts.SetDisabledAsync(user.Id, !user.Disabled, await UserNameAsync(), CancellationToken.None);
            }))
        {
            Snackbar.Add(user.Disabled ? $"Enabled '{user.UserName}'." : $"Disabled '{user.UserName}'; their sessions ended.", Severity.Success);
        }
        await LoadAsync();
    }

    private async Task UnlockAsync(UserView user)
    {
        if (await TryAsync(async () =>
            {
                await RequireAdminAsync();
                await Accounts.UnlockAsync(user.UserName, CancellationToken.None);
            }))
        {
            Snackbar.Add($"Unlocked '{user.UserName}'.", Severity.Success);
        }
        await LoadAsync();
    }
}

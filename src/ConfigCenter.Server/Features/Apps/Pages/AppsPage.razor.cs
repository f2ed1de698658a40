using ConfigCenter.Server.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Apps.Pages;

/// <summary>Lists, searches, creates and deletes apps.</summary>
public sealed partial class AppsPage : UiPageBase
{
    private readonly List<BreadcrumbItem> _crumbs = [new("Dashboard", "/"), new("Apps", null, disabled: true)];
    private IReadOnlyList<AppView>? _apps;
    private string? _search;
    private bool _isAdmin;

    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private IEnumerable<AppView> Filtered => (_apps ?? []).Where(a => string.IsNullOrWhiteSpace(_search)
        || a.Id.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase)
        || a.Name.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase)
        || a.Description.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase));

    protected override async Task OnInitializedAsync()
    {
        _isAdmin = await IsAdminAsync();
        _apps = await VisibleAsync(await Apps.ListAsync(CancellationToken.None), a => a.Id);
    }

    private async Task CreateAsync()
    {
        if (!await TryAsync(RequireAdminAsync)) return;
        var dialog = await Dialogs.ShowAsync<CreateAppDialog>("New app", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: AppView created })
        {
            Snackbar.Add($"Created app '{created.Id}'.", Severity.Success);
            Navigation.NavigateTo($"/apps/{created.Id}");
        }
    }

    private async Task DeleteAsync(AppView app)
    {
        if (!await TryAsync(RequireAdminAsync)) return;
        var parameters = new DialogParameters<DeleteAppDialog> { { d => d.AppId, app.Id } };
        var dialog = await Dialogs.ShowAsync<DeleteAppDialog>($"Delete {app.Id}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            Snackbar.Add($"Deleted app '{app.Id}'.", Severity.Success);
            _apps = await VisibleAsync(await Apps.ListAsync(CancellationToken.None), a => a.Id);
        }
    }
}

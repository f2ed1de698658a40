using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Apps;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Secrets.Pages;

/// <summary>Admins read an environment's secret key (for deploying clients) and rotate it; both audited by the key ring.</summary>
public sealed partial class SecretKeysPage : UiPageBase
{
    private readonly List<BreadcrumbItem> _crumbs = [new("Dashboard", "/"), new("Secret keys", null, disabled: true)];
    private readonly Dictionary<string, EnvironmentKeysView> _shown = new(StringComparer.Ordinal);
    private IReadOnlyList<EnvironmentView>? _envs;

    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private SecretKeyRing Ring { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    protected override async Task OnInitializedAsync() => _envs = await Apps.ListEnvironmentsAsync(CancellationToken.None);

    private Task ShowAsync(string env) => TryAsync(async () =>
    {
        await RequireAdminAsync();
        _shown[env] = await Ring.ExportAsync(env, await UserNameAsync(), CancellationToken.None);
    });

    private async Task RotateAsync(string env)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Rotate the secret key",
            $"A new key for '{env}': drafts are re-sealed now, releases at their next publish. Clients need the new key before that publish.",
            yesText: "Rotate", cancelText: "Cancel");
        if (confirmed != true) return;
        if (await TryAsync(async () =>
            {
                await RequireAdminAsync();
                var key = await Ring.RotateAsync(env, await UserNameAsync(), CancellationToken.None);
                _shown.Remove(env);
                Snackbar.Add($"'{env}' now seals with key {key.KeyId}.", Severity.Success);
            }))
        {
            StateHasChanged();
        }
    }
}

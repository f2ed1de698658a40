using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Releases.Pages;

/// <summary>Releases of one namespace in one environment: diff any two, roll back to any one; live.</summary>
public sealed partial class HistoryPage : UiPageBase, IDisposable
{
    private IReadOnlyList<ReleaseSummary>? _releases;
    private string? _notFound;
    private long _from;
    private long _to;
    private long _diffFrom;
    private long _diffTo;
    private Core.ItemsDiff? _diff;
    private bool _busy;

    [Parameter] public string App { get; set; } = "";
    [Parameter] public string Env { get; set; } = "";
    [Parameter] public string Ns { get; set; } = "";

    [Inject] private ReleaseReader Reader { get; set; } = default!;
    [Inject] private ReleaseService Releases { get; set; } = default!;
    [Inject] private ReleaseCache Cache { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Apps", "/apps"), new(App, $"/apps/{App}"),
        new($"{Ns} ({Env})", $"/apps/{App}/{Env}/{Ns}"), new("History", null, disabled: true)];

    private ReleaseSummary? Current => _releases is { Count: > 0 } list ? list[0] : null;

    private static string Label(long revision) => revision == 0 ? "Empty" : $"r{revision}";

    private bool CanRollBackTo(ReleaseSummary release) => Current is { } current && release.Revision != current.Revision && release.Checksum != current.Checksum;

    protected override void OnInitialized() => Cache.Published += OnPublished;

    protected override async Task OnParametersSetAsync()
    {
        _diff = null;
        await LoadAsync();
        _to = Current?.Revision ?? 0;
        _from = _releases is { Count: > 1 } list ? list[1].Revision : 0;
    }

    private async Task LoadAsync()
    {
        try
        {
            _releases = await Reader.ListAsync(App, Env, Ns, CancellationToken.None);
            _notFound = null;
        }
        catch (ConfigCenterException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            _notFound = e.Message;
        }
    }

    private void OnPublished(ReleaseDocument document)
    {
        if (document.App != App || document.Environment != Env || document.Namespace != Ns) return;
        _ = InvokeAsync(async () =>
        {
            var wasLatest = _to == Current?.Revision;
            await LoadAsync();
            if (wasLatest && _to != (Current?.Revision ?? 0))
            {
                _to = Current?.Revision ?? 0;
                // A comparison on screen follows the selectors, so it never shows an older pair than they name.
                if (_diff is not null) await CompareAsync();
            }
            StateHasChanged();
        });
    }

    private async Task CompareAsync()
    {
        await TryAsync(async () =>
        {
            _diff = await Reader.DiffAsync(App, Env, Ns, _to, _from, CancellationToken.None);
            (_diffFrom, _diffTo) = (_from, _to);
        });
    }

    private async Task CompareWithPreviousAsync(ReleaseSummary release)
    {
        _to = release.Revision;
        _from = _releases?.Where(r => r.Revision < release.Revision).Select(r => r.Revision).DefaultIfEmpty(0).Max() ?? 0;
        await CompareAsync();
    }

    private async Task RollbackAsync(ReleaseSummary target)
    {
        if (Current is not { } current) return;
        Core.ItemsDiff? diff = null;
        if (!await TryAsync(async () => diff = await Reader.DiffAsync(App, Env, Ns, target.Revision, current.Revision, CancellationToken.None))) return;
        var parameters = new DialogParameters<RollbackDialog>
        {
            { d => d.Diff, diff! },
            { d => d.TargetRevision, target.Revision },
            { d => d.CurrentRevision, current.Revision },
        };
        var dialog = await Dialogs.ShowAsync<RollbackDialog>($"Roll back to r{target.Revision}?", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string message }) return;
        _busy = true;
        StateHasChanged();
        await TryAsync(async () =>
        {
            await RequireAsync(Auth.AppRight.Publish, App, Env);
            var release = await Releases.RollbackAsync(App, Env, Ns, target.Revision, message, await UserNameAsync(), CancellationToken.None);
            Snackbar.Add($"Rolled back: r{release.Revision} now equals r{target.Revision}.", Severity.Success);
        });
        await LoadAsync();
        _busy = false;
    }

    public void Dispose() => Cache.Published -= OnPublished;
}

using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Apps.Pages;

/// <summary>Namespaces × environments of one app, live: published revision and unpublished-changes mark per cell.</summary>
public sealed partial class AppOverview : UiPageBase, IDisposable
{
    private AppView? _app;
    private IReadOnlyList<EnvironmentView> _envs = [];
    private IReadOnlyList<NamespaceView> _namespaces = [];
    private IReadOnlyList<NamespaceStatus>? _cells;
    private string? _notFound;

    [Parameter] public string App { get; set; } = "";

    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ReleaseCache Releases { get; set; } = default!;
    [Inject] private DraftNotifier Drafts { get; set; } = default!;

    private List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Apps", "/apps"), new(App, null, disabled: true)];

    protected override void OnInitialized()
    {
        Releases.Published += OnPublished;
        Drafts.DraftChanged += OnDraftChanged;
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private NamespaceStatus? Cell(string ns, string env) => _cells?.FirstOrDefault(c => c.Namespace == ns && c.Environment == env);

    private async Task LoadAsync()
    {
        try
        {
            _app = await Apps.GetAsync(App, CancellationToken.None);
            _envs = await Apps.ListEnvironmentsAsync(CancellationToken.None);
            _namespaces = await Apps.ListNamespacesAsync(App, CancellationToken.None);
            _cells = await Apps.OverviewAsync(App, CancellationToken.None);
            _notFound = null;
        }
        catch (ConfigCenterException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            _notFound = e.Message;
        }
    }

    private void OnPublished(ReleaseDocument document)
    {
        if (document.App == App) _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });
    }

    private void OnDraftChanged(DraftChanged change)
    {
        if (change.App == App) _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });
    }

    private async Task CreateNamespaceAsync()
    {
        var parameters = new DialogParameters<CreateNamespaceDialog> { { d => d.App, App } };
        var dialog = await Dialogs.ShowAsync<CreateNamespaceDialog>("New namespace", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: NamespaceView created })
        {
            Snackbar.Add($"Created namespace '{created.Name}' ({created.Format}).", Severity.Success);
            await LoadAsync();
        }
    }

    public void Dispose()
    {
        Releases.Published -= OnPublished;
        Drafts.DraftChanged -= OnDraftChanged;
    }
}

using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Instances;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Features.Status;
using Microsoft.AspNetCore.Components;

namespace ConfigCenter.Server.Features.Dashboard.Pages;

/// <summary>The landing page: apps, recent releases across apps, delivery status and instance counts, live.</summary>
public sealed partial class Dashboard : UiPageBase, IDisposable
{
    private IReadOnlyList<AppView>? _apps;
    private IReadOnlyList<RecentRelease>? _recent;
    private ServerStatus? _status;
    private int _instances;

    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private ReleaseReader Reader { get; set; } = default!;
    [Inject] private ServerStatusService StatusService { get; set; } = default!;
    [Inject] private InstanceTracker Instances { get; set; } = default!;
    [Inject] private ReleaseCache Releases { get; set; } = default!;
    [Inject] private DeliveryStatus Delivery { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        Releases.Published += OnPublished;
        Delivery.Changed += OnChanged;
        Instances.Changed += OnInstancesChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _apps = await VisibleAsync(await Apps.ListAsync(CancellationToken.None), a => a.Id);
        // Read further back than shown, so a user of few apps still sees their last ten.
        _recent = [.. (await VisibleAsync(await Reader.RecentAsync(200, CancellationToken.None), r => r.App)).Take(10)];
        _status = await StatusService.GetAsync(probeEtcd: false, CancellationToken.None);
        var visible = _apps.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        _instances = Instances.Count(visible.Contains);
    }

    private void OnPublished(ReleaseDocument _) => OnChanged();

    private void OnInstancesChanged(string app, string env) => OnChanged();

    private void OnChanged() => _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });

    public void Dispose()
    {
        Releases.Published -= OnPublished;
        Delivery.Changed -= OnChanged;
        Instances.Changed -= OnInstancesChanged;
    }
}

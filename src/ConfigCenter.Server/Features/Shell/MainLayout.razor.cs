using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Status;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ConfigCenter.Server.Features.Shell;

/// <summary>App bar (mode, theme, sign out), navigation drawer and the delivery status banner.</summary>
public sealed partial class MainLayout : IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cts = new();
    private bool _drawer = true;
    private bool _dark;
    private ServerStatus? _status;

    [Inject] private ServerStatusService StatusService { get; set; } = default!;
    [Inject] private DeliveryStatus Delivery { get; set; } = default!;
    [Inject] private ReleaseCache Releases { get; set; } = default!;
    [Inject] private ParkedReleases Parked { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private Auth.AccessDirectory Access { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<MainLayout> Logger { get; set; } = default!;

    private string ModeTooltip => _status?.Mode == "standalone"
        ? "Standalone: the server delivers configuration itself (no etcd configured)."
        : "etcd: releases are delivered through the etcd cluster.";

    protected override async Task OnInitializedAsync()
    {
        Delivery.Changed += OnDeliveryChanged;
        Releases.Published += OnPublished;
        await RefreshAsync();
        _ = RefreshPeriodicallyAsync();
    }

    private void OnDeliveryChanged() => _ = InvokeAsync(RefreshAsync);

    private void OnPublished(Contracts.ReleaseDocument document) => _ = InvokeAsync(RefreshAsync);

    // The outbox age grows while nothing happens, so the banner also refreshes on a timer.
    private async Task RefreshPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token)) await InvokeAsync(RefreshAsync);
        }
        catch (OperationCanceledException)
        {
            // The circuit closed.
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            _status = await StatusService.GetAsync(probeEtcd: false, _cts.Token);
            StateHasChanged();
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // The circuit closed while the status was read.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Could not read the server status for the banner");
        }
    }

    private Task RetryParkedAsync(long id) => ActOnParkedAsync(id, "retried", (user, ct) => Parked.RetryAsync(id, user, ct));

    private Task DropParkedAsync(long id) => ActOnParkedAsync(id, "dropped", (user, ct) => Parked.DropAsync(id, user, ct));

    private async Task ActOnParkedAsync(long id, string done, Func<string, CancellationToken, Task> action)
    {
        try
        {
            var state = await Authentication.GetAuthenticationStateAsync();
            if (Access.User(state.User) is not { IsAdmin: true } || !Access.IsCurrent(state.User))
                throw new Infrastructure.ConfigCenterException(StatusCodes.Status403Forbidden, "Forbidden", "Only an admin may retry or drop a parked release.");
            await action(state.User.Identity?.Name ?? "unknown", _cts.Token);
            Snackbar.Add($"Parked release {id} {done}.", Severity.Success);
        }
        catch (Infrastructure.ConfigCenterException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
        }
        await RefreshAsync();
    }

    public void Dispose()
    {
        Delivery.Changed -= OnDeliveryChanged;
        Releases.Published -= OnPublished;
        _cts.Cancel();
        _cts.Dispose();
    }
}

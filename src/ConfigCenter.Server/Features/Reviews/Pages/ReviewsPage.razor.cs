using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Reviews.Pages;

/// <summary>
/// Pending release requests with their diffs: approve or reject (Publishers of the environment other than the author),
/// withdraw (the author). Admins switch review on and off per environment here. Live: new and decided requests appear at once.
/// </summary>
public sealed partial class ReviewsPage : UiPageBase, IDisposable
{
    private IReadOnlyList<ReleaseRequestView>? _requests;
    private IReadOnlyList<EnvironmentView> _envs = [];
    private readonly HashSet<(string App, string Env)> _publishable = [];
    private string _user = "";
    private bool _isAdmin;
    private bool _busy;

    [Inject] private ReleaseRequestService Reviews { get; set; } = default!;
    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private ReleaseCache Cache { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        Reviews.Changed += OnChanged;
        Cache.Published += OnPublished;
        _user = await UserNameAsync();
        _isAdmin = await IsAdminAsync();
        await LoadAsync();
    }

    private bool IsMine(ReleaseRequestView r) => string.Equals(r.Author, _user, StringComparison.OrdinalIgnoreCase);

    private bool MayDecide(ReleaseRequestView r) => _publishable.Contains((r.App, r.Environment));

    private async Task LoadAsync()
    {
        var visible = new List<ReleaseRequestView>();
        _publishable.Clear();
        foreach (var r in await Reviews.PendingAsync(CancellationToken.None))
        {
            if (!await MayAsync(AppRight.Read, r.App, r.Environment)) continue;
            visible.Add(r);
            if (await MayAsync(AppRight.Publish, r.App, r.Environment)) _publishable.Add((r.App, r.Environment));
        }
        _requests = visible;
        if (_isAdmin) _envs = await Apps.ListEnvironmentsAsync(CancellationToken.None);
    }

    private void OnChanged() => _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });

    private void OnPublished(ReleaseDocument document) => OnChanged();

    private Task ApproveAsync(ReleaseRequestView r) => DecideAsync(async () =>
    {
        await RequireAsync(AppRight.Publish, r.App, r.Environment);
        var approved = await Reviews.ApproveAsync(r.App, r.Environment, r.Namespace, r.Id, null, _user, CancellationToken.None);
        Snackbar.Add($"Approved: {r.App}/{r.Environment}/{r.Namespace} r{approved.ReleaseRevision} is published.", Severity.Success);
    });

    private async Task RejectAsync(ReleaseRequestView r)
    {
        var parameters = new DialogParameters<RejectDialog> { { d => d.RequestId, r.Id }, { d => d.Target, $"{r.App}/{r.Environment}/{r.Namespace}" } };
        var dialog = await Dialogs.ShowAsync<RejectDialog>("Reject release request", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string comment }) return;
        await DecideAsync(async () =>
        {
            await RequireAsync(AppRight.Publish, r.App, r.Environment);
            await Reviews.RejectAsync(r.App, r.Environment, r.Namespace, r.Id, comment, _user, CancellationToken.None);
            Snackbar.Add($"Rejected request {r.Id}.", Severity.Info);
        });
    }

    private Task WithdrawAsync(ReleaseRequestView r) => DecideAsync(async () =>
    {
        await Reviews.WithdrawAsync(r.App, r.Environment, r.Namespace, r.Id, _user, CancellationToken.None);
        Snackbar.Add($"Withdrew request {r.Id}.", Severity.Info);
    });

    private Task SetRequiresReviewAsync(EnvironmentView env, bool requiresReview) => DecideAsync(async () =>
    {
        await RequireAdminAsync();
        await Reviews.SetRequiresReviewAsync(env.Id, requiresReview, _user, CancellationToken.None);
        Snackbar.Add(requiresReview ? $"Publishing in {env.Id} now requires review." : $"Publishing in {env.Id} no longer requires review.", Severity.Success);
    });

    private async Task DecideAsync(Func<Task> action)
    {
        _busy = true;
        try
        {
            await TryAsync(action);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        Reviews.Changed -= OnChanged;
        Cache.Published -= OnPublished;
    }
}

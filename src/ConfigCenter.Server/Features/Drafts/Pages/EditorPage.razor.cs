using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Apps;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Features.Releases.Pages;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>
/// Edits one namespace in one environment. Every save carries the draft version this page last read, so an
/// edit made meanwhile by someone else is never overwritten: the save is refused and <see cref="ConflictPanel"/>
/// shows what they changed. Publishes and other people's edits arrive live.
/// </summary>
public sealed partial class EditorPage : UiPageBase, IDisposable
{
    private DraftView? _draft;
    private DraftView? _base;
    private LiveRelease? _live;
    private IReadOnlyList<EnvironmentView> _envs = [];
    private long _version;
    private bool _saving;
    private bool _busy;
    private string? _notFound;
    private string? _notice;
    private EditorConflict? _conflict;
    private DraftChanged? _lastChange;
    private PropertiesEditor? _properties;
    private DocumentEditor? _document;

    [Parameter] public string App { get; set; } = "";
    [Parameter] public string Env { get; set; } = "";
    [Parameter] public string Ns { get; set; } = "";

    [Inject] private DraftService Drafts { get; set; } = default!;
    [Inject] private DraftNotifier DraftNotifier { get; set; } = default!;
    [Inject] private ReleaseReader Reader { get; set; } = default!;
    [Inject] private ReleaseService Releases { get; set; } = default!;
    [Inject] private Reviews.ReleaseRequestService Reviews { get; set; } = default!;
    [Inject] private ReleaseCache Cache { get; set; } = default!;
    [Inject] private AppService Apps { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Apps", "/apps"), new(App, $"/apps/{App}"), new($"{Ns} ({Env})", null, disabled: true)];

    private bool HasPendingInput => (_properties?.HasPendingInput ?? false) || (_document?.Dirty ?? false);

    /// <summary>The namespace's format, parsed once from the draft's wire name.</summary>
    private NamespaceFormat Format => NamespaceFormats.TryParse(_draft?.Format, out var format) ? format : NamespaceFormat.Properties;

    private bool CanPublish => _mayPublish && _draft is { HasChanges: true } && !_busy && !(_document?.Dirty ?? false);

    // What the user's roles allow here; the controls follow it and every action checks again (RequireAsync).
    private bool _mayEdit;
    private bool _mayPublish;
    private bool _isAdmin;

    /// <summary>Four eyes: publishing here creates a release request.</summary>
    private bool RequiresReview => _envs.FirstOrDefault(e => e.Id == Env)?.RequiresReview ?? false;

    private string PublishHint => _draft is null ? "" : _document?.Dirty == true ? "Save the draft before publishing."
        : _draft.HasChanges ? "Review the changes and publish them as a new release." : "Nothing to publish: the draft equals the live release.";

    protected override void OnInitialized()
    {
        DraftNotifier.DraftChanged += OnDraftChanged;
        Cache.Published += OnPublished;
    }

    protected override async Task OnParametersSetAsync()
    {
        _conflict = null;
        _notice = null;
        _mayEdit = await MayAsync(Auth.AppRight.Edit, App, Env);
        _mayPublish = await MayAsync(Auth.AppRight.Publish, App, Env);
        _isAdmin = await IsAdminAsync();
        var envs = Apps.ListEnvironmentsAsync(CancellationToken.None);
        await LoadAsync();
        _envs = await envs;
    }

    private async Task LoadAsync()
    {
        try
        {
            var draft = await Drafts.GetAsync(App, Env, Ns, CancellationToken.None);
            _live = draft.PublishedRevision is { } revision ? await LiveAsync(revision) : null;
            _draft = _base = draft;
            _version = draft.Version;
            _notFound = null;
        }
        catch (ConfigCenterException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            _notFound = e.Message;
        }
    }

    // The live release is in memory already (it is what clients read); the database is the fallback.
    private async Task<LiveRelease> LiveAsync(long revision)
    {
        if (Cache.Get(Env, App, Ns)?.Document is { } document && document.Revision == revision)
            return new LiveRelease(revision, Secrets.SecretMasking.Items(document.Items, document.SecretKeys));
        var release = await Reader.GetAsync(App, Env, Ns, revision, CancellationToken.None);
        return new LiveRelease(release.Revision, release.Items);
    }

    private bool IsThisNamespace(string app, string env, string ns) => app == App && env == Env && ns == Ns;

    private void OnDraftChanged(DraftChanged change)
    {
        if (!IsThisNamespace(change.App, change.Env, change.Namespace)) return;
        _ = InvokeAsync(async () =>
        {
            _lastChange = change;
            if (_saving || change.Version <= _version) return;
            if (HasPendingInput)
            {
                // Keep what the user is typing; the next save shows the conflict with their edit.
                _notice = $"{change.User} changed this draft while you were editing. Your unsaved edit is kept; saving it will show what they changed.";
            }
            else
            {
                await LoadAsync();
                _notice = $"{change.User} changed this draft; you are seeing their latest version.";
            }
            StateHasChanged();
        });
    }

    private void OnPublished(ReleaseDocument document)
    {
        if (!IsThisNamespace(document.App, document.Environment, document.Namespace)) return;
        _ = InvokeAsync(async () =>
        {
            if (HasPendingInput || _saving)
            {
                _live = new LiveRelease(document.Revision, Secrets.SecretMasking.Items(document.Items, document.SecretKeys));
            }
            else
            {
                await LoadAsync();
            }
            if (document.PublishedBy != await UserNameAsync()) Snackbar.Add($"{document.PublishedBy} published r{document.Revision}: {document.Message}", Severity.Info);
            StateHasChanged();
        });
    }

    private Task<bool> SaveItemAsync(ItemEdit edit)
    {
        // A rename is a delete and an add: the add would neither carry the secret flag nor (with only the mask in hand) the value.
        if (edit.OriginalKey is { } renamed && !string.Equals(renamed, edit.Key, StringComparison.Ordinal)
            && _draft?.Items.Any(i => i.Secret && string.Equals(i.Key, renamed, StringComparison.Ordinal)) == true)
        {
            Snackbar.Add($"'{renamed}' is secret and cannot be renamed: add the new key, mark it secret, then delete '{renamed}'.", Severity.Warning);
            return Task.FromResult(false);
        }
        return SaveEditAsync(edit);
    }

    private Task<bool> SaveEditAsync(ItemEdit edit) => SaveAsync($"{edit.Key} = {edit.Value}", async (version, user) =>
    {
        if (edit.OriginalKey is { } original && !string.Equals(original, edit.Key, StringComparison.Ordinal))
        {
            version = await Drafts.DeleteItemAsync(App, Env, Ns, original, version, user, CancellationToken.None);
        }
        var (_, _, next) = await Drafts.SetItemAsync(App, Env, Ns, edit.Key, new SetItemRequest(edit.Value, edit.Comment), version, user, CancellationToken.None);
        return next;
    });

    private Task<bool> SetSecretAsync(string key, bool secret) => SaveAsync($"{(secret ? "mark" : "unmark")} {key} secret",
        (version, user) => Drafts.SetSecretAsync(App, Env, Ns, key, secret, version, user, CancellationToken.None));

    private async Task<string?> RevealAsync(string key)
    {
        try
        {
            await RequireAsync(Auth.AppRight.Edit, App, Env);
            return (await Drafts.RevealAsync(App, Env, Ns, key, await UserNameAsync(), CancellationToken.None)).Value ?? "(null)";
        }
        catch (ConfigCenterException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return null;
        }
    }

    private Task<bool> DeleteItemAsync(string key) => SaveAsync($"delete {key}",
        (version, user) => Drafts.DeleteItemAsync(App, Env, Ns, key, version, user, CancellationToken.None));

    private Task<bool> SaveContentAsync(string content) => SaveAsync("your edit of the document (still in the editor)",
        (version, user) => Drafts.SetContentAsync(App, Env, Ns, content, version, user, CancellationToken.None));

    /// <summary>Applies one edit with If-Match = the version this page shows; a 412 becomes a conflict, never an overwrite.</summary>
    private async Task<bool> SaveAsync(string description, Func<long, string, Task<long>> edit)
    {
        _saving = true;
        try
        {
            await RequireAsync(Auth.AppRight.Edit, App, Env);
            var user = await UserNameAsync();
            _version = await edit(_version, user);
            _conflict = null;
            _notice = null;
            Snackbar.Add("Draft saved.", Severity.Success);
            await LoadAsync();
            return true;
        }
        catch (ConfigCenterException e) when (e.Status == StatusCodes.Status412PreconditionFailed)
        {
            await ShowConflictAsync(description, edit);
            return false;
        }
        catch (ConfigCenterException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return false;
        }
        finally
        {
            _saving = false;
            // Edits arrive through the grid's and the text editor's callbacks, which re-render only themselves.
            StateHasChanged();
        }
    }

    private async Task ShowConflictAsync(string description, Func<long, string, Task<long>> edit)
    {
        var theirs = await Drafts.GetAsync(App, Env, Ns, CancellationToken.None);
        var before = ExportEndpoints.DraftItems(_base ?? theirs) ?? new Dictionary<string, string?>();
        var now = ExportEndpoints.DraftItems(theirs) ?? new Dictionary<string, string?>();
        var by = _lastChange is { } change && IsThisNamespace(change.App, change.Env, change.Namespace) ? change.User : null;
        _notice = null;
        _conflict = new EditorConflict(by, ItemsDiffer.Compare(before, now), description, async () =>
        {
            // The user saw their change; apply mine on top of the version they saw.
            _base = theirs;
            _version = theirs.Version;
            if (await SaveAsync(description, edit)) _properties?.CancelPendingInput();
        });
        // Show their version around my pending edit (the grid keeps the open row, the text editor keeps my text).
        _draft = theirs;
    }

    private async Task ApplyMineAsync()
    {
        if (_conflict is null) return;
        var retry = _conflict.Retry;
        _conflict = null;
        await retry();
    }

    private async Task DiscardMineAsync()
    {
        _conflict = null;
        _properties?.CancelPendingInput();
        _document?.Discard();
        await LoadAsync();
    }

    private async Task PublishAsync()
    {
        var (diff, error) = await Reader.PreviewAsync(App, Env, Ns, CancellationToken.None);
        var parameters = new DialogParameters<PublishDialog>
        {
            { d => d.Diff, diff },
            { d => d.Error, error },
            { d => d.LiveRevision, _live?.Revision },
            { d => d.Target, $"{App}/{Env}/{Ns}" },
            { d => d.RequiresReview, RequiresReview },
        };
        var dialog = await Dialogs.ShowAsync<PublishDialog>(RequiresReview ? "Request review" : "Publish changes", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string message }) return;
        _busy = true;
        StateHasChanged();
        await TryAsync(async () =>
        {
            await RequireAsync(Auth.AppRight.Publish, App, Env);
            if (RequiresReview)
            {
                var request = await Reviews.CreateAsync(App, Env, Ns, message, await UserNameAsync(), CancellationToken.None);
                Snackbar.Add($"Review requested (request {request.Id}); another Publisher of {Env} approves it on the Reviews page.", Severity.Success);
                return;
            }
            var release = await Releases.PublishAsync(App, Env, Ns, message, await UserNameAsync(), CancellationToken.None);
            Snackbar.Add($"Published r{release.Revision}.", Severity.Success);
        });
        await LoadAsync();
        _busy = false;
    }

    private async Task EmergencyPublishAsync()
    {
        var (diff, error) = await Reader.PreviewAsync(App, Env, Ns, CancellationToken.None);
        if (error is not null)
        {
            Snackbar.Add($"The draft cannot be published: {error.Message}", Severity.Error);
            return;
        }
        var parameters = new DialogParameters<Reviews.Pages.EmergencyPublishDialog> { { d => d.Diff, diff }, { d => d.Target, $"{App}/{Env}/{Ns}" } };
        var dialog = await Dialogs.ShowAsync<Reviews.Pages.EmergencyPublishDialog>("Emergency publish", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: Reviews.Pages.EmergencyPublish emergency }) return;
        _busy = true;
        StateHasChanged();
        await TryAsync(async () =>
        {
            await RequireAdminAsync();
            var release = await Releases.PublishEmergencyAsync(App, Env, Ns, emergency.Message, emergency.Reason, await UserNameAsync(), CancellationToken.None);
            Snackbar.Add($"Published r{release.Revision} past review (emergency).", Severity.Warning);
        });
        await LoadAsync();
        _busy = false;
    }

    private async Task ImportAsync()
    {
        if (_draft is null) return;
        var current = _document is not null
            ? DocumentFlattener.Flatten(Format, _document.Text).Items ?? new Dictionary<string, string?>()
            : ExportEndpoints.DraftItems(_draft) ?? new Dictionary<string, string?>();
        var parameters = new DialogParameters<ImportDialog>
        {
            { d => d.Format, Format },
            { d => d.CurrentItems, current },
            { d => d.CurrentDraftItems, _draft.Items },
        };
        var dialog = await Dialogs.ShowAsync<ImportDialog>("Import configuration", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: ImportResult result }) return;
        if (result.Content is not null)
        {
            _document?.Load(result.Content);
            Snackbar.Add($"Imported {result.Changes} changes into the editor; review and save the draft.", Severity.Info);
            return;
        }
        _busy = true;
        StateHasChanged();
        var items = result.Items!;
        if (await SaveAsync($"import of {items.Count} keys",
                (version, user) => Drafts.ReplaceItemsAsync(App, Env, Ns, items, version, user, CancellationToken.None)))
        {
            Snackbar.Add($"Imported {result.Changes} changes.", Severity.Success);
        }
        _busy = false;
    }

    public void Dispose()
    {
        DraftNotifier.DraftChanged -= OnDraftChanged;
        Cache.Published -= OnPublished;
    }
}

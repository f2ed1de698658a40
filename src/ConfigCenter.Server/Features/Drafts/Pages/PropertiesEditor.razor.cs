using ConfigCenter.Core;
using ConfigCenter.Server.Features.Namespaces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>
/// The key / value / comment grid of a properties draft: virtualized rows, filtering on the server, inline
/// edit, add, delete, and a marker on every key that differs from the live release. Saving is the page's job
/// (<see cref="OnSave"/>, <see cref="OnDelete"/>), so conflicts are handled in one place.
/// </summary>
public sealed partial class PropertiesEditor
{
    private MudDataGrid<EditorRow>? _grid;
    private List<EditorRow> _rows = [];
    private string? _filter;
    private bool _onlyChanged;
    private List<EditorRow> _matching = [];
    private EditorRow? _editing;
    private string? _editKey;
    private string? _editValue;
    private string? _editComment;
    private string? _newKey;
    private string? _newValue;
    private string? _newComment;
    private string? _addError;
    private bool _busy;
    private IReadOnlyList<DraftItem>? _renderedItems;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<DraftItem> Items { get; set; } = [];

    /// <summary>The live release's items; null when nothing is published.</summary>
    [Parameter] public IReadOnlyDictionary<string, string?>? LiveItems { get; set; }

    /// <summary>Saves an added or edited key; returns false when it was refused (the grid keeps the edit open).</summary>
    [Parameter, EditorRequired] public Func<ItemEdit, Task<bool>> OnSave { get; set; } = _ => Task.FromResult(false);

    [Parameter, EditorRequired] public Func<string, Task<bool>> OnDelete { get; set; } = _ => Task.FromResult(false);

    [Parameter] public string GridHeight { get; set; } = "calc(100vh - 400px)";

    /// <summary>Whether the user may edit: the add form, the edit, delete and lock buttons and the reveal button show only then.</summary>
    [Parameter] public bool CanEdit { get; set; }

    /// <summary>Marks (true) or unmarks (false) a key secret; returns false when it was refused.</summary>
    [Parameter] public Func<string, bool, Task<bool>>? OnSetSecret { get; set; }

    /// <summary>Reveals a secret key's value (an audited action); null when it was refused.</summary>
    [Parameter] public Func<string, Task<string?>>? OnReveal { get; set; }

    // Values revealed in this view, by key; forgotten whenever the rows are rebuilt (after any save or reload).
    private readonly Dictionary<string, string?> _revealed = new(ConfigKeys.Comparer);

    /// <summary>True while a row is being edited or a new key typed, so the page does not replace the rows under the user.</summary>
    public bool HasPendingInput => _editing is not null || !string.IsNullOrEmpty(_newKey);

    private IReadOnlyList<string> RemovedKeys { get; set; } = [];

    private string CountText => _matching.Count == _rows.Count ? $"{_rows.Count} {(_rows.Count == 1 ? "key" : "keys")}" : $"{_matching.Count} of {_rows.Count} keys";

    protected override async Task OnParametersSetAsync()
    {
        if (ReferenceEquals(_renderedItems, Items)) return;
        _renderedItems = Items;
        _revealed.Clear();
        _rows = BuildRows(Items, LiveItems);
        var draftKeys = Items.Select(i => i.Key).ToHashSet(ConfigKeys.Comparer);
        RemovedKeys = LiveItems is null ? [] : [.. LiveItems.Keys.Where(k => !draftKeys.Contains(k)).Order(ConfigKeys.Comparer)];
        if (_editing is not null && !_rows.Any(r => ConfigKeys.Comparer.Equals(r.Key, _editing.Key))) _editing = null;
        await ApplyFilterAsync();
    }

    private string DisplayValue(EditorRow row) => row.Secret && _revealed.TryGetValue(row.Key, out var revealed) ? revealed ?? "(null)" : row.Value ?? "(null)";

    private async Task ToggleSecretAsync(EditorRow row)
    {
        if (OnSetSecret is null) return;
        _busy = true;
        try
        {
            await OnSetSecret(row.Key, !row.Secret);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevealAsync(EditorRow row)
    {
        if (OnReveal is null) return;
        if (_revealed.Remove(row.Key))
        {
            if (_grid is not null) await _grid.ReloadServerData();
            return;
        }
        if (await OnReveal(row.Key) is { } value)
        {
            _revealed[row.Key] = value;
            if (_grid is not null) await _grid.ReloadServerData();
        }
    }

    internal static List<EditorRow> BuildRows(IReadOnlyList<DraftItem> items, IReadOnlyDictionary<string, string?>? live)
    {
        var liveByKey = new Dictionary<string, string?>(ConfigKeys.Comparer);
        foreach (var (key, value) in live ?? new Dictionary<string, string?>()) liveByKey[key] = value;
        var rows = new List<EditorRow>(items.Count);
        foreach (var item in items)
        {
            var state = !liveByKey.TryGetValue(item.Key, out var liveValue) ? KeyState.Added
                : string.Equals(liveValue, item.Value, StringComparison.Ordinal) ? KeyState.Unchanged : KeyState.Changed;
            rows.Add(new EditorRow(item.Key, item.Value, item.Comment, state, liveValue, item.Secret));
        }
        return rows;
    }

    // Runs in the circuit on the server: the browser only ever receives the visible rows.
    private Task<GridData<EditorRow>> LoadRowsAsync(GridStateVirtualize<EditorRow> state, CancellationToken ct)
    {
        var page = _matching.Skip(state.StartIndex).Take(state.Count).ToList();
        return Task.FromResult(new GridData<EditorRow> { Items = page, TotalItems = _matching.Count });
    }

    private IEnumerable<EditorRow> Matching()
    {
        var filter = _filter?.Trim();
        foreach (var row in _rows)
        {
            if (_onlyChanged && row.State == KeyState.Unchanged) continue;
            if (!string.IsNullOrEmpty(filter)
                && !row.Key.Contains(filter, StringComparison.OrdinalIgnoreCase)
                && !(row.Value?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false)
                && !row.Comment.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            yield return row;
        }
    }

    private async Task FilterChangedAsync(string? value)
    {
        _filter = value;
        await ApplyFilterAsync();
    }

    private async Task OnlyChangedAsync(bool value)
    {
        _onlyChanged = value;
        await ApplyFilterAsync();
    }

    private async Task ApplyFilterAsync()
    {
        _matching = [.. Matching()];
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private string RowClass(EditorRow row, int index) => row.State switch
    {
        KeyState.Added => "row-added",
        KeyState.Changed => "row-changed",
        _ => "",
    };

    private bool IsEditing(EditorRow row) => _editing is not null && ConfigKeys.Comparer.Equals(_editing.Key, row.Key);

    private void BeginEdit(EditorRow row)
    {
        _editing = row;
        _editKey = row.Key;
        // A revealed secret is edited with its value; otherwise with the mask, which saving keeps as it is.
        _editValue = row.Secret && _revealed.TryGetValue(row.Key, out var revealed) ? revealed : row.Value;
        _editComment = row.Comment;
    }

    private void CancelEdit() => _editing = null;

    /// <summary>Drops the open row edit and the half-typed new key (the user discarded them after a conflict).</summary>
    public void CancelPendingInput()
    {
        _editing = null;
        _newKey = _newValue = _newComment = _addError = null;
        StateHasChanged();
    }

    private async Task EditKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await SaveEditAsync();
        else if (e.Key == "Escape") CancelEdit();
    }

    private async Task SaveEditAsync()
    {
        if (_editing is null || _busy) return;
        _busy = true;
        try
        {
            var edit = new ItemEdit(_editing.Key, (_editKey ?? "").Trim(), _editValue, _editComment ?? "");
            if (await OnSave(edit)) _editing = null;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task AddAsync()
    {
        if (_busy || string.IsNullOrWhiteSpace(_newKey)) return;
        var key = _newKey.Trim();
        if (ConfigKeys.Validate(key) is { } error)
        {
            _addError = error.Message;
            return;
        }
        if (_rows.Any(r => ConfigKeys.Comparer.Equals(r.Key, key)))
        {
            _addError = $"Key '{key}' already exists; edit it in the grid.";
            return;
        }
        _busy = true;
        try
        {
            if (await OnSave(new ItemEdit(null, key, _newValue ?? "", _newComment ?? "")))
            {
                _newKey = _newValue = _newComment = _addError = null;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(EditorRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete key", $"Delete '{row.Key}' from the draft? It stays live until the next publish.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true) await OnDelete(row.Key);
    }
}

using ConfigCenter.Core;
using ConfigCenter.Server.Features.Namespaces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>Flattens an uploaded or pasted appsettings.json / YAML file and previews what it changes in the draft.</summary>
public sealed partial class ImportDialog
{
    private string? _source;
    private string? _fileName;
    private bool _replace;
    private bool _working;
    private ValidationError? _error;
    private ItemsDiff? _preview;
    private Dictionary<string, string?>? _result;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired] public NamespaceFormat Format { get; set; } = NamespaceFormat.Properties;

    /// <summary>The draft's current flat items (for a document draft, its flattened content).</summary>
    [Parameter, EditorRequired] public IReadOnlyDictionary<string, string?> CurrentItems { get; set; } = new Dictionary<string, string?>();

    /// <summary>Comments of the current properties draft, kept for keys the import updates.</summary>
    [Parameter] public IReadOnlyList<DraftItem> CurrentDraftItems { get; set; } = [];

    private static int Changes(ItemsDiff diff) => diff.Added.Count + diff.Changed.Count + diff.Removed.Count;

    private async Task OnFileAsync(IBrowserFile? file)
    {
        if (file is null) return;
        _working = true;
        StateHasChanged();
        try
        {
            using var reader = new StreamReader(file.OpenReadStream(DocumentLimits.MaxDocumentBytes));
            _fileName = file.Name;
            _source = await reader.ReadToEndAsync();
        }
        catch (IOException e)
        {
            _error = new ValidationError("file", $"Could not read {file.Name}: {e.Message}");
            _working = false;
            return;
        }
        await PreviewAsync();
    }

    private Task OnSourceChangedAsync(string? text)
    {
        _source = text;
        return PreviewAsync();
    }

    private Task OnModeChangedAsync(bool replace)
    {
        _replace = replace;
        return PreviewAsync();
    }

    private async Task PreviewAsync()
    {
        _working = true;
        StateHasChanged();
        var source = _source ?? "";
        var yaml = _fileName is { } name && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
        var current = CurrentItems;
        var replace = _replace;
        // Large files take a moment to flatten and diff; keep the circuit responsive meanwhile.
        var (result, error, diff) = await Task.Run(() => Compute(source, yaml, current, replace));
        _result = result;
        _error = error;
        _preview = diff;
        _working = false;
    }

    internal static (Dictionary<string, string?>? Result, ValidationError? Error, ItemsDiff? Diff) Compute(
        string source, bool yaml, IReadOnlyDictionary<string, string?> current, bool replace)
    {
        if (string.IsNullOrWhiteSpace(source)) return (null, null, null);
        var flattened = DocumentFlattener.Flatten(yaml ? NamespaceFormat.Yaml : NamespaceFormat.Json, source);
        if (flattened.Error is { } error) return (null, error, null);
        var result = new Dictionary<string, string?>(ConfigKeys.Comparer);
        if (!replace)
        {
            foreach (var (key, value) in current) result[key] = value;
        }
        foreach (var (key, value) in flattened.Items!)
        {
            // An imported key replaces an existing one that differs only by case.
            result.Remove(key);
            result[key] = value;
        }
        return (result, null, ItemsDiffer.Compare(current, result));
    }

    private void Confirm()
    {
        if (_result is null || _preview is null) return;
        var changes = Changes(_preview);
        if (Format == NamespaceFormat.Properties)
        {
            var comments = CurrentDraftItems.ToDictionary(i => i.Key, i => i.Comment, ConfigKeys.Comparer);
            var items = _result.Select(p => new DraftItem(p.Key, p.Value, comments.TryGetValue(p.Key, out var c) ? c : "")).ToList();
            Dialog.Close(DialogResult.Ok(new ImportResult(items, null, changes)));
            return;
        }
        var content = Format == NamespaceFormat.Yaml ? ConfigExporter.ToYaml(_result) : ConfigExporter.ToJson(_result);
        Dialog.Close(DialogResult.Ok(new ImportResult(null, content, changes)));
    }
}

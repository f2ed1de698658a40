using ConfigCenter.Core;
using Microsoft.AspNetCore.Components;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>
/// The text editor of a JSON or YAML draft. The document is flattened as the user types, so a syntax error
/// shows at its line and column before anything is saved.
/// </summary>
public sealed partial class DocumentEditor
{
    private string _text = "";
    private string _saved = "";
    private ValidationError? _error;
    private int? _keyCount;
    private bool _busy;

    [Parameter, EditorRequired] public NamespaceFormat Format { get; set; } = NamespaceFormat.Json;

    /// <summary>The draft's saved content; replaces the text only when the user has no unsaved edits.</summary>
    [Parameter, EditorRequired] public string Content { get; set; } = "";

    /// <summary>Saves the text; returns false when it was refused (the text stays as typed).</summary>
    [Parameter, EditorRequired] public Func<string, Task<bool>> OnSave { get; set; } = _ => Task.FromResult(false);

    public bool Dirty => !string.Equals(_text, _saved, StringComparison.Ordinal);

    public string Text => _text;

    private string? ErrorExcerpt
    {
        get
        {
            if (_error?.Line is not { } line || line < 1) return null;
            var lines = _text.Split('\n');
            if (line > lines.Length) return null;
            var column = Math.Max(1, _error.Column ?? 1);
            var source = lines[line - 1].TrimEnd('\r');
            return $"{line,4} | {source}\n     | {new string(' ', Math.Min(column - 1, source.Length))}^";
        }
    }

    protected override void OnParametersSet()
    {
        if (!Dirty || string.Equals(_text, Content, StringComparison.Ordinal))
        {
            _text = Content;
            Validate();
        }
        _saved = Content;
    }

    /// <summary>Puts <paramref name="text"/> in the editor as an unsaved edit (import).</summary>
    public void Load(string text)
    {
        _text = text;
        Validate();
        StateHasChanged();
    }

    /// <summary>Throws away unsaved text (the user discarded it after a conflict).</summary>
    public void Discard()
    {
        _text = _saved;
        Validate();
        StateHasChanged();
    }

    private void OnTextChanged(string? text)
    {
        _text = text ?? "";
        Validate();
    }

    private void Validate()
    {
        if (Format == NamespaceFormat.Properties || _text.Length == 0)
        {
            _error = null;
            _keyCount = _text.Length == 0 ? 0 : null;
            return;
        }
        var result = DocumentFlattener.Flatten(Format, _text);
        _error = result.Error;
        _keyCount = result.Items?.Count;
    }

    private void Revert()
    {
        _text = _saved;
        Validate();
    }

    private async Task SaveAsync()
    {
        if (_error is not null || _busy) return;
        _busy = true;
        try
        {
            await OnSave(_text);
        }
        finally
        {
            _busy = false;
        }
    }
}

namespace ConfigCenter.Core;

/// <summary>
/// Collects flat items while a document tree is walked, with the exact rules of
/// Microsoft.Extensions.Configuration.Json's parser, so JSON and YAML flatten alike: a repeated
/// leaf key is an error, an empty object becomes a null value, an empty array an empty string.
/// </summary>
internal sealed class FlatItemsBuilder
{
    private readonly Dictionary<string, string?> _items = new(ConfigKeys.Comparer);
    private readonly Stack<string> _paths = new();

    public IReadOnlyDictionary<string, string?> Items => _items;

    public void Enter(string segment) =>
        _paths.Push(_paths.Count > 0 ? _paths.Peek() + ":" + segment : segment);

    public void Exit() => _paths.Pop();

    public void AddValue(string? value, int? line = null, int? column = null)
    {
        var key = _paths.Peek();
        if (!_items.TryAdd(key, value))
        {
            throw new DocumentShapeException(
                $"Key '{key}' appears more than once; configuration keys are case-insensitive.", line, column);
        }
    }

    // The JSON provider writes these without a duplicate check; we keep that so the items match it.
    public void MarkEmptyObject()
    {
        if (_paths.Count > 0)
        {
            _items[_paths.Peek()] = null;
        }
    }

    public void MarkEmptyArray()
    {
        if (_paths.Count > 0)
        {
            _items[_paths.Peek()] = "";
        }
    }
}

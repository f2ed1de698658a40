using System.Globalization;
using System.Text;

namespace ConfigCenter.Core;

/// <summary>
/// Collects flat items while a document tree is walked, with the exact rules of
/// Microsoft.Extensions.Configuration.Json's parser, so JSON and YAML flatten alike: a repeated
/// leaf key is an error, an empty object becomes a null value, an empty array an empty string.
/// It also enforces <see cref="DocumentLimits"/> as it goes, so a hostile document is refused after
/// a bounded amount of work rather than after the output has been built.
/// </summary>
internal sealed class FlatItemsBuilder
{
    private readonly Dictionary<string, string?> _items = new(ConfigKeys.Comparer);
    private readonly Stack<string> _paths = new();
    private long _nodes;
    private long _outputBytes;

    public IReadOnlyDictionary<string, string?> Items => _items;

    public void Enter(string segment, int? line = null, int? column = null)
    {
        var path = _paths.Count > 0 ? _paths.Peek() + ":" + segment : segment;
        if (_paths.Count >= DocumentLimits.MaxDepth)
        {
            // Reached through YAML aliases (plain nesting is stopped by the parsers already).
            throw Limit($"The document is nested more than {DocumentLimits.MaxDepth} levels deep; the limit is {DocumentLimits.MaxDepth} levels.", line, column);
        }

        // Checked here, not after flattening, so a long section name cannot be copied into many long keys first.
        if (path.Length > ConfigKeys.MaxKeyLength)
        {
            throw Limit($"Key '{path[..40]}…' is longer than {ConfigKeys.MaxKeyLength} characters; the limit is {ConfigKeys.MaxKeyLength}.", line, column);
        }

        _paths.Push(path);
    }

    public void Exit() => _paths.Pop();

    /// <summary>Counts one value, mapping or sequence (an alias counts each time it is expanded).</summary>
    public void CountNode(int? line = null, int? column = null)
    {
        if (++_nodes > DocumentLimits.MaxNodes)
        {
            throw Limit($"The document expands to more than {DocumentLimits.MaxNodes} values, mappings and sequences (YAML aliases count as the nodes they repeat); the limit is {DocumentLimits.MaxNodes}.", line, column);
        }
    }

    public void AddValue(string? value, int? line = null, int? column = null)
    {
        var key = _paths.Peek();
        if (!_items.TryAdd(key, value))
        {
            throw new DocumentShapeException(
                $"Key '{key}' appears more than once; configuration keys are case-insensitive.", line, column);
        }

        AddOutput(key, value, line, column);
    }

    // The JSON provider writes these without a duplicate check; we keep that so the items match it.
    public void MarkEmptyObject()
    {
        if (_paths.Count > 0)
        {
            _items[_paths.Peek()] = null;
            AddOutput(_paths.Peek(), null, null, null);
        }
    }

    public void MarkEmptyArray()
    {
        if (_paths.Count > 0)
        {
            _items[_paths.Peek()] = "";
            AddOutput(_paths.Peek(), null, null, null);
        }
    }

    private void AddOutput(string key, string? value, int? line, int? column)
    {
        _outputBytes += Encoding.UTF8.GetByteCount(key) + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
        if (_outputBytes > DocumentLimits.MaxFlattenedBytes)
        {
            throw Limit($"The flattened keys and values exceed {DocumentLimits.MaxFlattenedBytes} bytes; the limit is {DocumentLimits.MaxFlattenedBytes} bytes.", line, column);
        }
    }

    private static DocumentShapeException Limit(FormattableString message, int? line, int? column) =>
        new(message.ToString(CultureInfo.InvariantCulture), line, column);
}

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ConfigCenter.Core;

/// <summary>
/// Streams the YAML events once, before the representation model is built, and stops at the first
/// collection nested deeper than <see cref="DocumentLimits.MaxDepth"/>. YamlStream builds nodes
/// recursively, so a 100 KB document nested 20,000 levels deep overflows the stack and kills the
/// process; the event parser itself keeps its state on the heap, so this scan is safe for any input.
/// It also stops after <see cref="DocumentLimits.MaxNodes"/> written values (keys and the root are not
/// counted, as in the flattener): building the model of a 300,000-element sequence only to refuse it
/// afterwards took seconds of CPU per request. An alias counts as the nodes its anchor expands to (the anchored
/// node's size is known when it ends), as in the flattener, so a 330-byte alias bomb is refused after reading a few
/// dozen events instead of after the flattener walked <see cref="DocumentLimits.MaxNodes"/> expanded paths.
/// </summary>
public static class YamlDepthGuard
{
    /// <summary>A limit error with its position, or null when the nesting and node count are within the limits.</summary>
    public static ValidationError? Check(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var parser = new Parser(new Scanner(new StringReader(content)));
        // One entry per open collection; for a mapping, whether its next node is a key. Keys are not counted, like
        // the flattener, which counts values: a 1 MiB mapping of short pairs has more keys and values than the limit.
        var open = new Stack<(bool Mapping, bool KeyNext, string? Anchor, long NodesBefore)>();
        // Counted nodes each anchor stands for, its own node and everything beneath it, aliases already expanded.
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is MappingEnd or SequenceEnd)
                {
                    var closed = open.Pop();
                    if (closed.Anchor is { } anchor) anchorSizes[anchor] = Math.Max(1, nodes - closed.NodesBefore);
                    continue;
                }
                if (current is not (Scalar or MappingStart or SequenceStart or AnchorAlias)) continue;

                var isKey = false;
                if (open.Count > 0 && open.Peek().Mapping)
                {
                    var parent = open.Pop();
                    isKey = parent.KeyNext;
                    open.Push(parent with { KeyNext = !parent.KeyNext });
                }
                var nodesBefore = nodes;
                if (!isKey && open.Count > 0)
                {
                    var alias = current as AnchorAlias;
                    nodes += alias is null ? 1 : anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                    if (nodes > DocumentLimits.MaxNodes)
                    {
                        return alias is null
                            ? Error(current.Start, $"The document has more than {DocumentLimits.MaxNodes} values, mappings and sequences (at line {current.Start.Line}, column {current.Start.Column}); the limit is {DocumentLimits.MaxNodes}.")
                            : Error(current.Start, $"The document expands to more than {DocumentLimits.MaxNodes} values, mappings and sequences at the alias *{alias.Value.Value} (line {current.Start.Line}, column {current.Start.Column}; YAML aliases count as the nodes they repeat); the limit is {DocumentLimits.MaxNodes}.");
                    }
                }
                var anchorName = current is NodeEvent { Anchor.IsEmpty: false } anchored ? anchored.Anchor.Value : null;
                if (current is Scalar && anchorName is not null) anchorSizes[anchorName] = 1;
                if (current is MappingStart or SequenceStart)
                {
                    open.Push((current is MappingStart, true, anchorName, nodesBefore));
                    if (open.Count > DocumentLimits.MaxDepth)
                    {
                        return Error(current.Start, $"The YAML is nested more than {DocumentLimits.MaxDepth} levels deep at line {current.Start.Line}, column {current.Start.Column}; the limit is {DocumentLimits.MaxDepth} levels.");
                    }
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Malformed YAML: the full parse that follows reports it with its position.
        }

        return null;
    }

    private static ValidationError Error(Mark at, FormattableString message) =>
        new("content", message.ToString(CultureInfo.InvariantCulture), (int)at.Line, (int)at.Column);
}

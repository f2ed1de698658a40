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
/// afterwards took seconds of CPU per request. Aliases are counted once here; the flattener counts what
/// they expand to.
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
        var open = new Stack<(bool Mapping, bool KeyNext)>();
        var nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is MappingEnd or SequenceEnd)
                {
                    open.Pop();
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
                if (!isKey && open.Count > 0 && ++nodes > DocumentLimits.MaxNodes)
                {
                    return Error(current.Start, $"The document has more than {DocumentLimits.MaxNodes} values, mappings and sequences (at line {current.Start.Line}, column {current.Start.Column}); the limit is {DocumentLimits.MaxNodes}.");
                }
                if (current is MappingStart or SequenceStart)
                {
                    open.Push((current is MappingStart, true));
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

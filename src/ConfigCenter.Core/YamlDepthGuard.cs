using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ConfigCenter.Core;

/// <summary>
/// Streams the YAML events once, before the representation model is built, and stops at the first
/// collection nested deeper than <see cref="DocumentLimits.MaxDepth"/>. YamlStream builds nodes
/// recursively, so a 100 KB document nested 20,000 levels deep overflows the stack and kills the
/// process; the event parser itself keeps its state on the heap, so this scan is safe for any input.
/// It also stops after <see cref="DocumentLimits.MaxNodes"/> written nodes: building the model of a
/// 300,000-element sequence only to refuse it afterwards took seconds of CPU per request. Aliases are
/// counted once here; the flattener counts what they expand to.
/// </summary>
public static class YamlDepthGuard
{
    /// <summary>A limit error with its position, or null when the nesting and node count are within the limits.</summary>
    public static ValidationError? Check(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var parser = new Parser(new Scanner(new StringReader(content)));
        var depth = 0;
        var nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                if ((parser.Current is Scalar or MappingStart or SequenceStart or AnchorAlias) && ++nodes > DocumentLimits.MaxNodes)
                {
                    var at = parser.Current.Start;
                    return new ValidationError("content", string.Create(CultureInfo.InvariantCulture,
                        $"The document has more than {DocumentLimits.MaxNodes} values, mappings and sequences (at line {at.Line}, column {at.Column}); the limit is {DocumentLimits.MaxNodes}."),
                        (int)at.Line, (int)at.Column);
                }

                switch (parser.Current)
                {
                    case MappingStart or SequenceStart when ++depth > DocumentLimits.MaxDepth:
                        var mark = parser.Current.Start;
                        return new ValidationError("content", string.Create(CultureInfo.InvariantCulture,
                            $"The YAML is nested more than {DocumentLimits.MaxDepth} levels deep at line {mark.Line}, column {mark.Column}; the limit is {DocumentLimits.MaxDepth} levels."),
                            (int)mark.Line, (int)mark.Column);
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Malformed YAML: the full parse that follows reports it with its position.
        }

        return null;
    }
}

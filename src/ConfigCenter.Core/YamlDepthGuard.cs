using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ConfigCenter.Core;

/// <summary>
/// Streams the YAML events once, before the representation model is built, and stops at the first
/// collection nested deeper than <see cref="DocumentLimits.MaxDepth"/>. YamlStream builds nodes
/// recursively, so a 100 KB document nested 20,000 levels deep overflows the stack and kills the
/// process; the event parser itself keeps its state on the heap, so this scan is safe for any input.
/// </summary>
internal static class YamlDepthGuard
{
    /// <summary>A limit error with its position, or null when the nesting is within the limit.</summary>
    public static ValidationError? Check(string content)
    {
        var parser = new Parser(new Scanner(new StringReader(content)));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
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

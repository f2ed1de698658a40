using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConfigCenter.Core;

/// <summary>Flattens YAML with the same rules as JSON: mappings like objects, sequences like arrays.</summary>
internal static class YamlDocumentFlattener
{
    public static FlattenResult Flatten(string content)
    {
        if (YamlDepthGuard.Check(content) is { } tooDeep)
        {
            return FlattenResult.Fail(tooDeep);
        }

        var scanner = new Scanner(new StringReader(content));
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException ex)
        {
            return Fail(ex.Message, ex.Start);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet sometimes fails inside its scanner without a YamlException; the scanner
            // still knows where it stopped, which is what the user needs.
            return Fail("The YAML is malformed.", scanner.CurrentPosition);
        }

        if (stream.Documents.Count == 0)
        {
            return FlattenResult.Ok(new Dictionary<string, string?>(ConfigKeys.Comparer));
        }

        if (stream.Documents.Count > 1)
        {
            return Fail($"The YAML holds {stream.Documents.Count} documents ('---'); a namespace holds exactly one.",
                stream.Documents[1].RootNode.Start);
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode scalar && YamlScalars.ToValue(scalar) is null)
        {
            // A document that is only "~" or a comment says "nothing here", like an empty file.
            return FlattenResult.Ok(new Dictionary<string, string?>(ConfigKeys.Comparer));
        }

        if (root is not YamlMappingNode mapping)
        {
            return Fail("The YAML document must be a mapping (key: value) at the top level.", root.Start);
        }

        var builder = new FlatItemsBuilder();
        try
        {
            VisitMapping(mapping, builder);
        }
        catch (DocumentShapeException ex)
        {
            return FlattenResult.Fail(new ValidationError("content", ex.Message, ex.Line, ex.Column));
        }

        return FlattenResult.Ok(builder.Items);
    }

    private static void VisitMapping(YamlMappingNode mapping, FlatItemsBuilder builder)
    {
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode scalarKey)
            {
                throw new DocumentShapeException(
                    At("A mapping key must be plain text, not a list or a mapping.", key.Start), Line(key.Start), Column(key.Start));
            }

            // Keys keep their text as written: "true: x" is the key "true", as in JSON.
            builder.Enter(scalarKey.Value ?? "", Line(scalarKey.Start), Column(scalarKey.Start));
            VisitValue(value, builder);
            builder.Exit();
        }

        if (mapping.Children.Count == 0)
        {
            builder.MarkEmptyObject();
        }
    }

    private static void VisitValue(YamlNode node, FlatItemsBuilder builder)
    {
        // YamlStream shares one node object between an anchor and its aliases, so counting here counts
        // every alias as the nodes it expands to: a 330-byte alias bomb stops after MaxNodes, not 10^9.
        builder.CountNode(Line(node.Start), Column(node.Start));
        switch (node)
        {
            case YamlMappingNode mapping:
                VisitMapping(mapping, builder);
                break;
            case YamlSequenceNode sequence:
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    builder.Enter(index.ToString(CultureInfo.InvariantCulture), Line(item.Start), Column(item.Start));
                    VisitValue(item, builder);
                    builder.Exit();
                    index++;
                }

                if (index == 0)
                {
                    builder.MarkEmptyArray();
                }

                break;
            case YamlScalarNode scalar:
                builder.AddValue(YamlScalars.ToValue(scalar), Line(scalar.Start), Column(scalar.Start));
                break;
            default:
                throw new DocumentShapeException(
                    At("Unsupported YAML node.", node.Start), Line(node.Start), Column(node.Start));
        }
    }

    private static FlattenResult Fail(string message, Mark mark) =>
        FlattenResult.Fail(new ValidationError("content", At(message, mark), Line(mark), Column(mark)));

    private static string At(string message, Mark mark) =>
        Line(mark) is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"The YAML is invalid at line {line}, column {Column(mark)}: {message}")
            : $"The YAML is invalid: {message}";

    // YamlDotNet marks are already 1-based; Mark.Empty (line 0) means "position unknown".
    private static int? Line(Mark mark) => mark.Line > 0 ? (int)mark.Line : null;

    private static int? Column(Mark mark) => mark.Line > 0 ? (int)mark.Column : null;
}

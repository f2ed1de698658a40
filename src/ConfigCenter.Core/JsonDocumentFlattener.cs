using System.Globalization;
using System.Text.Json;

namespace ConfigCenter.Core;

/// <summary>Flattens JSON the way Microsoft.Extensions.Configuration.Json does.</summary>
internal static class JsonDocumentFlattener
{
    // The same options the JSON configuration provider parses with, so what it accepts we accept.
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = DocumentLimits.MaxDepth,
    };

    public static FlattenResult Flatten(string content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Options);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = string.Create(CultureInfo.InvariantCulture,
                $"The JSON is invalid at line {line}, column {column}: {StripPosition(ex.Message)}");
            return FlattenResult.Fail(new ValidationError("content", message, line, column));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FlattenResult.Fail(new ValidationError(
                    "content", $"The JSON document must be an object at the top level, not {Describe(root.ValueKind)}.", 1, 1));
            }

            var builder = new FlatItemsBuilder();
            try
            {
                VisitObject(root, builder);
            }
            catch (DocumentShapeException ex)
            {
                return FlattenResult.Fail(new ValidationError("content", ex.Message, ex.Line, ex.Column));
            }
            catch (InvalidOperationException ex)
            {
                // The parser accepts escapes like "\ud800" (a lone surrogate) and fails only when the string is read.
                return FlattenResult.Fail(new ValidationError("content",
                    $"The JSON contains a string that is not valid Unicode (a lone surrogate escape such as \\ud800): {ex.Message}"));
            }

            return FlattenResult.Ok(builder.Items);
        }
    }

    private static void VisitObject(JsonElement element, FlatItemsBuilder builder)
    {
        var isEmpty = true;
        foreach (var property in element.EnumerateObject())
        {
            isEmpty = false;
            builder.Enter(property.Name);
            VisitValue(property.Value, builder);
            builder.Exit();
        }

        if (isEmpty)
        {
            builder.MarkEmptyObject();
        }
    }

    private static void VisitValue(JsonElement value, FlatItemsBuilder builder)
    {
        builder.CountNode();
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                VisitObject(value, builder);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    builder.Enter(index.ToString(CultureInfo.InvariantCulture));
                    VisitValue(item, builder);
                    builder.Exit();
                    index++;
                }

                if (index == 0)
                {
                    builder.MarkEmptyArray();
                }

                break;
            case JsonValueKind.Null:
                builder.AddValue(null);
                break;
            default:
                // ToString gives raw number text and "True"/"False", exactly what the provider stores.
                builder.AddValue(value.ToString());
                break;
        }
    }

    // System.Text.Json appends "LineNumber: 2 | BytePositionInLine: 7."; we report 1-based positions instead.
    private static string StripPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}

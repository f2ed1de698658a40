using System.Globalization;
using System.Text;

namespace ConfigCenter.Core;

/// <summary>
/// Turns a JSON or YAML document into the flat key/value items every client receives, using the
/// key rules of Microsoft.Extensions.Configuration so a service sees the same keys it would get
/// from a local appsettings.json.
/// </summary>
public static class DocumentFlattener
{
    /// <summary>Flattens <paramref name="content"/>; never throws for bad input.</summary>
    public static FlattenResult Flatten(NamespaceFormat format, string content)
    {
        ArgumentNullException.ThrowIfNull(content);

        var bytes = Encoding.UTF8.GetByteCount(content);
        if (bytes > DocumentLimits.MaxDocumentBytes)
        {
            return FlattenResult.Fail(new ValidationError("content", string.Create(CultureInfo.InvariantCulture,
                $"The document is {bytes} bytes; the limit is {DocumentLimits.MaxDocumentBytes} bytes (1 MiB).")));
        }

        var result = format switch
        {
            NamespaceFormat.Json => JsonDocumentFlattener.Flatten(content),
            NamespaceFormat.Yaml => YamlDocumentFlattener.Flatten(content),
            _ => FlattenResult.Fail(new ValidationError(
                "format", $"A {format.ToWire()} namespace holds key/value items, not a document.")),
        };

        return result.Success ? CheckKeys(result) : result;
    }

    // The document parsers accept keys like "" or " a" that the item editor rejects; one rule for
    // every namespace keeps a JSON namespace from publishing keys nobody could type elsewhere.
    private static FlattenResult CheckKeys(FlattenResult result)
    {
        foreach (var key in result.Items!.Keys)
        {
            if (key.Length == 0)
            {
                return FlattenResult.Fail(new ValidationError("content", "The document contains a property with an empty name."));
            }

            if (ConfigKeys.Validate(key) is { } error)
            {
                return FlattenResult.Fail(error with { Field = "content" });
            }
        }

        return result;
    }
}

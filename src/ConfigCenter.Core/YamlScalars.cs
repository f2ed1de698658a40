using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConfigCenter.Core;

/// <summary>
/// How a YAML scalar becomes a configuration value. We follow the YAML 1.2 core schema only for
/// null and booleans, and render booleans as "True"/"False" because that is what the JSON
/// provider stores for JSON true/false; numbers keep their text like JSON numbers do.
/// </summary>
internal static class YamlScalars
{
    private const string NullTag = "tag:yaml.org,2002:null";

    public static string? ToValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (!scalar.Tag.IsEmpty)
        {
            return scalar.Tag.Value is NullTag or "!!null" ? null : text;
        }

        // Quoted scalars are always strings: that is how a document keeps "true" or "null" as text.
        return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? ResolvePlain(text) : text;
    }

    /// <summary>The value a plain (unquoted) scalar with this text flattens to.</summary>
    public static string? ResolvePlain(string text) => text switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => bool.TrueString,
        "false" or "False" or "FALSE" => bool.FalseString,
        _ => text,
    };
}

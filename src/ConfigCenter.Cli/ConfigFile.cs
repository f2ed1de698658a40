using ConfigCenter.Core;

namespace ConfigCenter.Cli;

/// <summary>A configuration file on disk (.json, .yaml/.yml, .properties), flattened with the server's rules.</summary>
internal sealed record ConfigFile(string Path, NamespaceFormat Format, string Text, IReadOnlyDictionary<string, string?> Items)
{
    public static ConfigFile Read(string path)
    {
        var text = LocalDocumentBounds.ReadText(path, DocumentLimits.MaxDocumentBytes);
        var format = FormatOf(path);
        var result = format == NamespaceFormat.Properties ? PropertiesFile.Parse(text) : DocumentFlattener.Flatten(format, text);
        if (result.Error is { } error)
        {
            var where = error.Line is { } line ? $":{line}" + (error.Column is { } column ? $":{column}" : "") : "";
            throw new CliException($"{path}{where}: {error.Message}");
        }
        return new ConfigFile(path, format, text, result.Items!);
    }

    public static NamespaceFormat FormatOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => NamespaceFormat.Json,
        ".yaml" or ".yml" => NamespaceFormat.Yaml,
        ".properties" => NamespaceFormat.Properties,
        var other => throw new CliException($"{path}: '{other}' files are not supported; use .json, .yaml, .yml or .properties."),
    };
}

using System.Text;

namespace ConfigCenter.Core;

/// <summary>
/// Turns flat items back into documents a person can download: JSON and YAML that flatten to the
/// same items again, and .env lines in the form the .NET environment-variable provider reads.
/// </summary>
public static class ConfigExporter
{
    /// <summary>Indented JSON; values are strings (null stays null).</summary>
    public static string ToJson(IReadOnlyDictionary<string, string?> items) =>
        JsonDocumentWriter.Write(ConfigSection.Build(items));

    /// <summary>Block YAML; values that YAML would retype are quoted.</summary>
    public static string ToYaml(IReadOnlyDictionary<string, string?> items) =>
        YamlDocumentWriter.Write(ConfigSection.Build(items));

    /// <summary>
    /// One KEY=value line per item, sorted, with ':' written as "__" because that is how the
    /// environment-variable provider spells a section separator.
    /// </summary>
    public static string ToDotEnv(IReadOnlyDictionary<string, string?> items)
    {
        ArgumentNullException.ThrowIfNull(items);

        var output = new StringBuilder();
        foreach (var (key, value) in items.OrderBy(i => i.Key, ConfigKeys.Comparer).ThenBy(i => i.Key, StringComparer.Ordinal))
        {
            output.Append(key.Replace(":", "__", StringComparison.Ordinal)).Append('=')
                .Append(DotEnvValue(value ?? "")).Append('\n');
        }

        return output.ToString();
    }

    private static string DotEnvValue(string value)
    {
        if (value.All(IsPlainDotEnvChar))
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                // Docker Compose and shells expand $VAR inside double quotes.
                '$' => @"\$",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    // Characters every dotenv reader (shell, Docker, dotenv libraries) keeps as-is without quotes.
    private static bool IsPlainDotEnvChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or ':' or '@' or '+' or ',' or '-';
}

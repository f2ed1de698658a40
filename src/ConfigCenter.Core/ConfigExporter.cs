using System.Globalization;
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
    /// One NAME=value line per item, sorted, with ':' written as "__" because that is how the
    /// environment-variable provider spells a section separator. The file is meant to be sourced by a
    /// POSIX shell, so only keys that are valid variable names are written (anything else could run a
    /// command or set a second variable); a comment at the top says how many were left out and why,
    /// without repeating their text. Values that are not plainly safe are single-quoted.
    /// </summary>
    public static string ToDotEnv(IReadOnlyDictionary<string, string?> items)
    {
        ArgumentNullException.ThrowIfNull(items);

        var lines = new StringBuilder();
        int badNames = 0, nulValues = 0;
        foreach (var (key, value) in items.OrderBy(i => i.Key, ConfigKeys.Comparer).ThenBy(i => i.Key, StringComparer.Ordinal))
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (!IsEnvironmentVariableName(name))
            {
                badNames++;
            }
            else if (value is not null && value.Contains('\0', StringComparison.Ordinal))
            {
                // A shell variable cannot hold a NUL character.
                nulValues++;
            }
            else
            {
                lines.Append(name).Append('=').Append(DotEnvValue(value ?? "")).Append('\n');
            }
        }

        if (badNames + nulValues == 0)
        {
            return lines.ToString();
        }

        var header = new StringBuilder("# Skipped ").Append((badNames + nulValues).ToString(CultureInfo.InvariantCulture)).Append(" key(s):");
        if (badNames > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $" {badNames} not a valid environment variable name after ':' became '__' (letters, digits and '_', not starting with a digit);");
        }

        if (nulValues > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $" {nulValues} with a NUL character in the value;");
        }

        header.Length--;
        return header.Append(".\n").Append(lines).ToString();
    }

    /// <summary>True for names a POSIX shell accepts in NAME=value: [A-Za-z_][A-Za-z0-9_]*.</summary>
    public static bool IsEnvironmentVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // Inside single quotes a POSIX shell expands nothing ($, `, \ and newlines stay literal); a single quote
    // itself is written as '\'' (close, escaped quote, reopen).
    private static string DotEnvValue(string value) =>
        value.All(IsPlainDotEnvChar) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // Characters every dotenv reader (shell, Docker, dotenv libraries) keeps as-is without quotes.
    private static bool IsPlainDotEnvChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or ':' or '@' or '+' or ',' or '-';
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConfigCenter.Core;

/// <summary>
/// Writes a <see cref="ConfigSection"/> tree as block YAML. Every value is a string, so anything a
/// YAML reader could take for a number, boolean or null is double-quoted; the rest stays plain.
/// </summary>
internal static partial class YamlDocumentWriter
{
    private const int IndentStep = 2;

    // YAML 1.1 readers (many tools still are) also retype these words, so they are quoted too.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(ConfigSection root)
    {
        var output = new StringBuilder();
        if (!root.Members().Any())
        {
            return "{}\n";
        }

        WriteMapping(output, root, 0);
        return output.ToString();
    }

    private static void WriteMapping(StringBuilder output, ConfigSection section, int indent)
    {
        foreach (var (name, member, asScalar) in section.Members())
        {
            output.Append(' ', indent).Append(Scalar(name)).Append(':');
            WriteNode(output, member, asScalar, indent);
        }
    }

    private static void WriteSequence(StringBuilder output, ConfigSection section, int indent)
    {
        foreach (var element in section.Elements())
        {
            if (element.HasValue)
            {
                output.Append(' ', indent).Append('-');
                WriteNode(output, element, true, indent);
                continue;
            }

            // Compact form "- key: value": write the collection one level deeper, then let "- "
            // take the place of its first line's indentation.
            var nested = new StringBuilder();
            WriteNode(nested, element, false, indent);
            output.Append(' ', indent).Append("- ").Append(nested, indent + IndentStep + 1, nested.Length - indent - IndentStep - 1);
        }
    }

    // Called after "key:" or "-": a scalar goes on the same line, a collection on the next lines.
    private static void WriteNode(StringBuilder output, ConfigSection node, bool asScalar, int indent)
    {
        if (asScalar)
        {
            output.Append(' ').Append(node.Value is null ? "null" : Scalar(node.Value)).Append('\n');
            return;
        }

        output.Append('\n');
        if (node.IsArray)
        {
            WriteSequence(output, node, indent + IndentStep);
        }
        else
        {
            WriteMapping(output, node, indent + IndentStep);
        }
    }

    private static string Scalar(string text) =>
        SafePlain().IsMatch(text) && !ReservedWords.Contains(text) ? text : DoubleQuoted(text);

    private static string DoubleQuoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': quoted.Append(@"\\"); break;
                case '"': quoted.Append("\\\""); break;
                case '\n': quoted.Append(@"\n"); break;
                case '\r': quoted.Append(@"\r"); break;
                case '\t': quoted.Append(@"\t"); break;
                // Line breaks YAML would fold, the BOM, and control characters must be escaped.
                case '\u0085' or '\u2028' or '\u2029' or '\uFEFF':
                case < ' ' or '\u007F':
                    quoted.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default: quoted.Append(c); break;
            }
        }

        return quoted.Append('"').ToString();
    }

    // Starts with a letter or '_' (so never a number, '-', '.', '~' or an indicator), no ':' or
    // spaces: such text reads back unchanged as a plain scalar.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-/]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlain();
}

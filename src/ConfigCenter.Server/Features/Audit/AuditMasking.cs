using System.Text.RegularExpressions;
using ConfigCenter.Core;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// The one place that decides which values the audit trail must not hold in clear: items marked secret, and any key
/// whose name looks secret. Secret values are masked, not encrypted: the audit trail never holds them in any form.
/// </summary>
internal static partial class AuditMasking
{
    public const string Masked = "***";

    [GeneratedRegex("pass(word|wd|phrase)?|pwd|secret|token|credential|private[-_]?key|api[-_]?key|access[-_]?key|connection[-_]?string|signing[-_]?key",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLookingKey();

    public static bool LooksSecret(string key) => SecretLookingKey().IsMatch(key);

    /// <summary>The value as the audit trail may store it: masked when the key looks secret.</summary>
    public static string? Value(string key, string? value, bool secret = false) => value is not null && (secret || LooksSecret(key)) ? Masked : value;

    /// <summary>Items keyed by configuration key, with secret-looking values masked, in key order.</summary>
    public static SortedDictionary<string, string?> Items(IEnumerable<KeyValuePair<string, string?>> items, IReadOnlyCollection<string>? secretKeys = null)
    {
        var secret = new HashSet<string>(secretKeys ?? [], StringComparer.OrdinalIgnoreCase);
        var masked = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in items) masked[key] = Value(key, value, secret.Contains(key));
        return masked;
    }

    /// <summary>
    /// A JSON or YAML document as its flattened keys with secret-looking values masked (a document's text cannot be masked
    /// reliably); a document that does not parse is recorded by its size only.
    /// </summary>
    public static object Document(string content)
    {
        if (content.Length == 0) return Items([]);
        foreach (var format in (NamespaceFormat[])[NamespaceFormat.Json, NamespaceFormat.Yaml])
        {
            if (DocumentFlattener.Flatten(format, content) is { Items: { } items }) return Items(items);
        }
        return new { Characters = content.Length };
    }
}

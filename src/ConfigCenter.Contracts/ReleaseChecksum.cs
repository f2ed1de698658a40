using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConfigCenter.Contracts;

/// <summary>
/// The canonical form of a release's items and its checksum (DESIGN.md §4.2): keys sorted ordinally
/// by their upper-invariant form, written as one compact JSON object, hashed with SHA-256.
/// </summary>
public static class ReleaseChecksum
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The canonical UTF-8 JSON of <paramref name="items"/>.</summary>
    public static byte[] Canonicalize(IEnumerable<KeyValuePair<string, string?>> items)
    {
        var sorted = items.OrderBy(i => i.Key.ToUpperInvariant(), StringComparer.Ordinal).ThenBy(i => i.Key, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in sorted)
            {
                if (value is null) writer.WriteNull(key);
                else writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary><c>sha256:</c> + lowercase hex of the canonical items.</summary>
    public static string Compute(IEnumerable<KeyValuePair<string, string?>> items) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Canonicalize(items)));

    /// <summary>True when the document's checksum matches its items.</summary>
    public static bool Verify(ReleaseDocument document) =>
        string.Equals(Compute(document.Items), document.Checksum, StringComparison.Ordinal);
}

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

    /// <summary>The items in canonical order: by upper-invariant key, ordinally, then by key.</summary>
    public static List<KeyValuePair<string, string?>> Sort(IEnumerable<KeyValuePair<string, string?>> items) =>
        [.. items.OrderBy(i => i.Key.ToUpperInvariant(), StringComparer.Ordinal).ThenBy(i => i.Key, StringComparer.Ordinal)];

    /// <summary>The canonical UTF-8 JSON of <paramref name="items"/>.</summary>
    public static byte[] Canonicalize(IEnumerable<KeyValuePair<string, string?>> items) => CanonicalizeSorted(Sort(items));

    /// <summary>The canonical UTF-8 JSON of items already in canonical order (see <see cref="Sort"/>).</summary>
    public static byte[] CanonicalizeSorted(IReadOnlyList<KeyValuePair<string, string?>> sorted)
    {
        // Sized from the text up front: a growing MemoryStream would copy the bytes once per doubling.
        var estimate = 2;
        foreach (var (key, value) in sorted) estimate += key.Length + (value?.Length ?? 4) + 6;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(256, estimate + estimate / 8));
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
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>sha256:</c> + lowercase hex of the canonical items.</summary>
    public static string Compute(IEnumerable<KeyValuePair<string, string?>> items) => OfCanonical(Canonicalize(items));

    /// <summary><c>sha256:</c> + lowercase hex of canonical bytes computed already.</summary>
    public static string OfCanonical(ReadOnlySpan<byte> canonical) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(canonical));

    /// <summary>True when the document's checksum matches its items.</summary>
    public static bool Verify(ReleaseDocument document) =>
        string.Equals(Compute(document.Items), document.Checksum, StringComparison.Ordinal);
}

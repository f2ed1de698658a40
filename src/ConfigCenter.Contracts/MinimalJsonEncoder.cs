using System.Text.Encodings.Web;

namespace ConfigCenter.Contracts;

/// <summary>
/// A JSON string encoder that escapes only what JSON requires: quotation mark, reverse solidus and control
/// characters (and invalid UTF-16). Every other character, non-ASCII included, is written as UTF-8 as it is, so
/// a release document's size in etcd is the size of its text — the default encoder turns one <c>€</c> (3 bytes)
/// into <c>\u20AC</c> (6 bytes) and an emoji into 12. Safe for etcd values, files and HTTP bodies; never for HTML.
/// </summary>
internal sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static MinimalJsonEncoder Instance { get; } = new();

    public override int MaxOutputCharactersPerInputCharacter => 12;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c < 0x20 || c == '"' || c == '\\') return i;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                {
                    i++;
                    continue;
                }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
        }
        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var i = 0;
        while (i < utf8Text.Length)
        {
            var b = utf8Text[i];
            if (b < 0x80)
            {
                if (b < 0x20 || b == '"' || b == '\\') return i;
                i++;
                continue;
            }
            // Multi-byte sequences pass when they are valid UTF-8; anything else is for the writer to escape.
            if (System.Text.Rune.DecodeFromUtf8(utf8Text[i..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return i;
            i += consumed;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        Span<char> utf16 = stackalloc char[2];
        var length = new System.Text.Rune(unicodeScalar).EncodeToUtf16(utf16);
        if (output.Length < length * 6)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        for (var i = 0; i < length; i++)
        {
            output[i * 6] = '\\';
            output[i * 6 + 1] = 'u';
            ((int)utf16[i]).TryFormat(output.Slice(i * 6 + 2, 4), out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
        }
        numberOfCharactersWritten = length * 6;
        return true;
    }

    public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\';
}

using System.Globalization;
using System.Text;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>
/// Writes JSON by hand, byte for byte: a serializer would refuse (or repair) exactly the malformed text the
/// corpus needs to send, such as lone surrogates.
/// </summary>
internal static class JsonText
{
    /// <summary>A JSON string literal for <paramref name="value"/>, escaping only what JSON requires.</summary>
    public static byte[] Quote(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c == '"' || c == '\\') json.Append('\\').Append(c);
            else if (c < 0x20) json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else json.Append(c);
        }
        return Encoding.UTF8.GetBytes(json.Append('"').ToString());
    }

    /// <summary>A JSON object of the given members, each value already JSON bytes.</summary>
    public static byte[] Object(IEnumerable<(string Name, byte[] Value)> members)
    {
        using var body = new MemoryStream();
        body.WriteByte((byte)'{');
        var first = true;
        foreach (var (name, value) in members)
        {
            if (!first) body.WriteByte((byte)',');
            first = false;
            body.Write(Quote(name));
            body.WriteByte((byte)':');
            body.Write(value);
        }
        body.WriteByte((byte)'}');
        return body.ToArray();
    }
}

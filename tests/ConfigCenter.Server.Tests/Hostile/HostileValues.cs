using System.Text;
using ConfigCenter.Core;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>
/// One hostile value for a body field, as the exact bytes of a JSON value (so lone surrogates can be sent escaped
/// or as raw bytes) and of a form value. <see cref="Invalid"/>: no field may accept it; the others are legal for
/// some fields (a value may contain a right-to-left override) and the server decides.
/// </summary>
internal sealed record HostileValue(string Label, byte[] Json, string Form, bool Invalid);

/// <summary>A whole request body that no JSON endpoint may accept; <c>Build</c> gets a valid body and the first field.</summary>
internal sealed record HostileBody(string Label, Func<byte[], string, byte[]> Build, string ContentType, bool Chunked = false);

/// <summary>The hostile material the corpus draws from: field values, documents, route values, bodies, headers.</summary>
internal static class HostileValues
{
    /// <summary>Over every text limit of the server, including the 1 MiB of a namespace's items together.</summary>
    public const int HugeLength = DocumentLimits.MaxDocumentBytes + 50_000;

    /// <summary>Two MiB, for whole bodies.</summary>
    public const int TwoMiB = 2 * 1024 * 1024;

    public static readonly IReadOnlyList<HostileValue> Fields =
    [
        Text("1.1 MB field", new string('x', HugeLength), invalid: true),
        Raw("escaped lone high surrogate", "\"a\\ud800b\"", "a%ED%A0%80b", invalid: true),
        Raw("escaped lone low surrogate", "\"\\udc00x\"", "%ED%B0%80x", invalid: true),
        Raw("escaped surrogates reversed", "\"\\udc00\\ud800\"", "%ED%B0%80%ED%A0%80", invalid: true),
        Bytes("raw lone surrogate bytes", [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], "a%ED%A0%80", invalid: true),
        Bytes("raw invalid UTF-8", [0x22, 0xC0, 0xAE, 0xFF, 0xFE, 0x22], "%C0%AE%FF%FE", invalid: true),
        Bytes("raw control character in a JSON string", [0x22, 0x61, 0x01, 0x62, 0x0A, 0x22], "a%01b", invalid: true),
        Raw("number out of range", "1e400", "1e400", invalid: true),
        Raw("integer out of range", "-99999999999999999999999999999", "-99999999999999999999999999999", invalid: true),
        Raw("array instead of text", "[1,2,3]", "[1,2,3]", invalid: true),
        Raw("object instead of text", "{\"a\":{\"b\":1}}", "{}", invalid: true),
        Raw("boolean instead of text", "true", "true", invalid: true),
        Raw("deep array instead of text", new string('[', 20_000) + new string(']', 20_000), new string('[', 5_000), invalid: true),
        Text("escaped NUL", "a\0b"),
        Text("all C0 control characters", new string(Enumerable.Range(0, 32).Select(i => (char)i).ToArray())),
        Text("DEL and C1 controls", "a\u007f\u0085\u009bb"),
        Text("CRLF header injection", "a\r\nSet-Cookie: x=1"),
        Text("right-to-left override", "release\u202Egnp.exe"),
        Text("zero-width joiners", "ad\u200Bmin\u200D\u2060"),
        Text("Cyrillic confusable", "\u0430dmin-\u0440ay"),
        Text("fullwidth letters", "\uFF41\uFF44\uFF4D\uFF49\uFF4E"),
        Text("combining marks", "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301"),
        Text("byte-order mark", "\uFEFFname"),
        Text("path traversal", "../../../../etc/passwd"),
        Text("Windows path traversal", "..\\..\\..\\windows\\win.ini"),
        Text("encoded traversal", "%2e%2e%2f%2e%2e%2f"),
        Text("markup", "<script>alert(1)</script><img src=x onerror=alert(2)>"),
        Text("format specifiers", "%s%n%x{0}{1}${jndi:ldap://x}"),
        Text("empty", ""),
        Text("whitespace only", " \t "),
        Raw("null", "null", "", invalid: false),
        Text("64 KiB field", new string('k', 64 * 1024)),
        Text("2,000 emoji (surrogate pairs)", string.Concat(Enumerable.Repeat("\U0001F600", 2_000))),
        Text("colons", ":::a::b:::"),
    ];

    /// <summary>Documents for a json or yaml namespace's <c>content</c>; each one exceeds a document bound or is not valid.</summary>
    /// <remarks>Not here: <c>{"a":1e999999}</c>. JSON leaves a number's range to the reader, and the flattener keeps the text.</remarks>
    public static IReadOnlyList<(string Label, string Format, string Document)> Documents { get; } =
    [
        ("YAML nested 20,000 deep (flow)", "yaml", "a: " + string.Concat(Enumerable.Repeat("{b: ", 20_000)) + "1" + new string('}', 20_000) + "\n"),
        ("YAML nested 20,000 deep (block sequences)", "yaml", string.Concat(Enumerable.Repeat("- ", 20_000)) + "x\n"),
        ("YAML nested 20,000 deep (flow sequences)", "yaml", "a: " + new string('[', 20_000) + new string(']', 20_000) + "\n"),
        ("YAML alias bomb 9^9", "yaml", AliasBomb(9, 9)),
        ("YAML alias bomb 20^6", "yaml", AliasBomb(20, 6)),
        ("YAML merge-key bomb", "yaml", MergeBomb()),
        ("YAML self-referencing alias", "yaml", "a: &a [*a]\n"),
        ("YAML undefined alias", "yaml", "a: *nowhere\n"),
        ("YAML 300,000 nodes", "yaml", "a: [" + string.Join(",", Enumerable.Repeat("0", 300_000)) + "]\n"),
        ("YAML with a lone surrogate escape", "yaml", "a: \"\\ud800\"\n"),
        ("YAML key with a control character", "yaml", "\"a\\u0001b\": 1\n"),
        ("YAML long section repeated by many leaves", "yaml", LongSectionYaml()),
        ("JSON nested 20,000 deep", "json", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", 20_000)) + "1" + new string('}', 20_001)),
        ("JSON arrays nested 20,000 deep", "json", "{\"a\":" + new string('[', 20_000) + new string(']', 20_000) + "}"),
        ("JSON with a lone surrogate", "json", "{\"a\":\"\\ud800\"}"),
        ("JSON with a lone surrogate in a name", "json", "{\"\\udc00\":1}"),
        ("JSON 300,000 nodes", "json", "{\"a\":[" + string.Join(",", Enumerable.Repeat("0", 300_000)) + "]}"),
        ("JSON truncated", "json", "{\"a\": {\"b\": [1, 2"),
        ("JSON with a NUL key", "json", "{\"a\\u0000b\":1}"),
    ];

    /// <summary>Route values; <c>Identity</c> ones can name no existing app, environment, namespace, revision or id.</summary>
    public static IReadOnlyList<string> RouteValues { get; } =
    [
        "..", "%2e%2e", "%2E%2E%2F%2E%2E", "..%2F..", "..%5C..", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "a%2Fb", "a%252Fb", "%252e%252e",
        "%C0%AE%C0%AE", "%ED%A0%80", "%ED%B0%80x", "%E2%80%AEppa", "%D0%B0pp", "%EF%BD%81%EF%BD%90%EF%BD%90", "a%E2%80%8Bb",
        "%00", "a%00b", "%0D%0AX-Injected:%201", "%09", "%20", "%7F", "%", "%zz", "~", "*", "CON", "a;b=c",
        "99999999999999999999", "-1", "0x10", "1e3", new string('k', 4_000),
    ];

    /// <summary>If-Match values that are no draft version.</summary>
    public static IReadOnlyList<string> IfMatchValues { get; } =
    [
        "garbage", "\"-1\"", "\"99999999999999999999\"", "\"9223372036854775807\"", "W/\"x\"", "\"1", "\"\"", ",,,,", new string('"', 8_000),
    ];

    /// <summary>Whole bodies no JSON endpoint may accept.</summary>
    public static IReadOnlyList<HostileBody> Bodies { get; } =
    [
        new("truncated JSON", (valid, _) => valid[..(valid.Length / 2)], "application/json"),
        new("JSON cut after the first byte", (valid, _) => valid[..1], "application/json"),
        new("JSON sent as text/plain", (valid, _) => valid, "text/plain"),
        new("XML body", (_, _) => "<a><b>x</b></a>"u8.ToArray(), "application/xml"),
        new("form body on a JSON endpoint", (_, _) => "name=x&id=y"u8.ToArray(), "application/x-www-form-urlencoded"),
        new("JSON body nested 20,000 deep", (_, _) => Encoding.UTF8.GetBytes(new string('[', 20_000) + new string(']', 20_000)), "application/json"),
        new("JSON object nested 20,000 deep", (_, _) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 20_000)) + "1" + new string('}', 20_000)), "application/json"),
        new("2 MiB body with a length", (_, field) => TwoMiBBody(field), "application/json"),
        new("2 MiB body chunked", (_, field) => TwoMiBBody(field), "application/json", Chunked: true),
        new("top-level array", (_, _) => "[1,2]"u8.ToArray(), "application/json"),
        new("top-level string", (_, _) => "\"x\""u8.ToArray(), "application/json"),
        new("binary garbage", (_, _) => [0x00, 0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x7B], "application/json"),
        new("UTF-16 body declared as UTF-8", (valid, _) => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(valid)), "application/json; charset=utf-8"),
    ];

    // The bytes go to a field the endpoint reads, so a server that streams past the size check still has to refuse the field.
    private static byte[] TwoMiBBody(string field) => JsonText.Object([(field, JsonText.Quote(new string('x', TwoMiB)))]);

    private static HostileValue Text(string label, string value, bool invalid = false) =>
        new(label, JsonText.Quote(value), Uri.EscapeDataString(value), invalid);

    private static HostileValue Raw(string label, string json, string form, bool invalid) => new(label, Encoding.UTF8.GetBytes(json), form, invalid);

    private static HostileValue Bytes(string label, byte[] json, string form, bool invalid) => new(label, json, form, invalid);

    private static string AliasBomb(int width, int levels)
    {
        var yaml = new StringBuilder("a0: &a0 [" + string.Join(",", Enumerable.Repeat("x", width)) + "]\n");
        for (var level = 1; level < levels; level++)
        {
            yaml.Append('a').Append(level).Append(": &a").Append(level).Append(" [")
                .Append(string.Join(",", Enumerable.Repeat($"*a{level - 1}", width))).Append("]\n");
        }
        return yaml.ToString();
    }

    private static string MergeBomb()
    {
        var yaml = new StringBuilder("m0: &m0 {" + string.Join(",", Enumerable.Range(0, 10).Select(i => $"k{i}: v")) + "}\n");
        for (var level = 1; level < 8; level++)
        {
            yaml.Append('m').Append(level).Append(": &m").Append(level).Append(" {")
                .Append(string.Join(",", Enumerable.Range(0, 10).Select(i => $"s{i}: *m{level - 1}"))).Append("}\n");
        }
        return yaml.ToString();
    }

    private static string LongSectionYaml()
    {
        var yaml = new StringBuilder(new string('s', 200_000)).Append(":\n");
        for (var i = 0; i < 40; i++) yaml.Append("  k").Append(i).Append(": 1\n");
        return yaml.ToString();
    }
}

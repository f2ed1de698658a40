namespace ConfigCenter.Core.Tests;

public class ConfigExporterTests
{
    private static readonly string[] TrickyValues =
    [
        "true", "True", "FALSE", "yes", "off", "null", "Null", "~", "", " ", "1.0", "42", "-7", "0x1F", "1e3", ".5",
        " leading", "trailing ", "-", "- item", "#comment", "a: b", "key:value", "a #b", "@at", "`tick", "'single'",
        "\"double\"", "back\\slash", "multi\nline\n", "cr\r\nlf", "tab\there", "\u0001ctl", "\u2028sep", "é", "🚀",
        "{x}", "[x]", "*alias", "&anchor", "!tag", "%pct", "|", ">", "?", ",", "$HOME", "Data Source=db;Pool=5",
    ];

    public static TheoryData<string, Dictionary<string, string?>> ItemSets => new()
    {
        { "empty", new() },
        { "nested", new() { ["ConnectionStrings:Main"] = "Data Source=db", ["Pool:Size"] = "50", ["Pool:Limits:Max"] = "9", ["Name"] = "orders" } },
        { "arrays", new() { ["Servers:0:Host"] = "a", ["Servers:0:Port"] = "1", ["Servers:1:Host"] = "b", ["Hosts:0"] = "x", ["Hosts:1"] = "y", ["M:0:0"] = "1", ["M:0:1"] = "2", ["M:1:0"] = "3" } },
        { "nulls", new() { ["A"] = null, ["B:C"] = null, ["D:0"] = null, ["D:1"] = "1", ["E"] = "" } },
        { "tricky values", TrickyValues.Select((v, i) => (v, i)).ToDictionary(p => $"V:{p.i}x", p => (string?)p.v) },
        { "tricky values in an array", TrickyValues.Select((v, i) => (v, i)).ToDictionary(p => $"Arr:{p.i}", p => (string?)p.v) },
        { "tricky keys", new() { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning", ["My Key:Sub Key"] = "1", ["true:null"] = "2", ["0"] = "root zero", ["-dash"] = "3", ["#hash"] = "4", ["Grüße:名前"] = "値", ["a'b"] = "5" } },
        { "value and children on one key", new() { ["A"] = "x", ["A:B"] = "y", ["A:B:C"] = "z", ["L:0"] = "a", ["L:1"] = "b", ["L:1:x"] = "c", ["N"] = null, ["N:M"] = "1" } },
        { "sparse indexes are an object", new() { ["S:0"] = "a", ["S:2"] = "c", ["T:1"] = "b", ["U:00"] = "z" } },
    };

    [Theory]
    [MemberData(nameof(ItemSets))]
    public void ToJson_ShouldFlattenBackToTheSameItems(string name, Dictionary<string, string?> items)
    {
        var json = ConfigExporter.ToJson(items);

        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, json);

        Assert.True(result.Success, $"{name}: {result.Error?.Message}\n{json}");
        AssertSameItems(items, result.Items!);
        // The real provider must read our export the same way.
        AssertSameItems(items, JsonProvider.Load(json));
    }

    [Theory]
    [MemberData(nameof(ItemSets))]
    public void ToYaml_ShouldFlattenBackToTheSameItems(string name, Dictionary<string, string?> items)
    {
        var yaml = ConfigExporter.ToYaml(items);

        var result = DocumentFlattener.Flatten(NamespaceFormat.Yaml, yaml);

        Assert.True(result.Success, $"{name}: {result.Error?.Message}\n{yaml}");
        AssertSameItems(items, result.Items!);
    }

    [Fact]
    public void ToJson_ShouldWriteArraysAndNestedObjects()
    {
        var json = ConfigExporter.ToJson(new Dictionary<string, string?>
        {
            ["Pool:Size"] = "50",
            ["Hosts:0"] = "a",
            ["Hosts:1"] = "b",
            ["Off"] = null,
        });

        Assert.Equal(
            """
            {
              "Hosts": [
                "a",
                "b"
              ],
              "Off": null,
              "Pool": {
                "Size": "50"
              }
            }

            """.ReplaceLineEndings("\n"),
            json);
    }

    [Fact]
    public void ToYaml_ShouldQuoteOnlyWhatYamlWouldRetype()
    {
        // "Off" is a boolean to YAML 1.1 readers, so even as a key it is quoted.
        var yaml = ConfigExporter.ToYaml(new Dictionary<string, string?>
        {
            ["Servers:0:Host"] = "alpha",
            ["Servers:0:Port"] = "8080",
            ["Servers:1:Host"] = "beta",
            ["Flag"] = "true",
            ["Name"] = "orders",
            ["Off"] = null,
            ["Empty"] = "",
        });

        Assert.Equal(
            """
            Empty: ""
            Flag: "true"
            Name: orders
            "Off": null
            Servers:
              - Host: alpha
                Port: "8080"
              - Host: beta

            """.ReplaceLineEndings("\n"),
            yaml);
    }

    [Fact]
    public void ToDotEnv_ShouldWriteSortedEnvironmentVariableLines()
    {
        var env = ConfigExporter.ToDotEnv(new Dictionary<string, string?>
        {
            ["Pool:Size"] = "50",
            ["ConnectionStrings:Main"] = "Data Source=db; Pool=\"5\"",
            ["app:Path"] = @"C:\x",
            ["Off"] = null,
            ["Multi"] = "a\nb $HOME",
        });

        Assert.Equal(
            """
            app__Path='C:\x'
            ConnectionStrings__Main='Data Source=db; Pool="5"'
            Multi='a
            b $HOME'
            Off=
            Pool__Size=50

            """.ReplaceLineEndings("\n"),
            env);
    }

    [Fact]
    public void Export_ShouldRefuseKeysThatDifferOnlyByCase()
    {
        var items = new Dictionary<string, string?> { ["a"] = "1", ["A"] = "2" };

        Assert.Throws<ArgumentException>(() => ConfigExporter.ToJson(items));
        Assert.Throws<ArgumentException>(() => ConfigExporter.ToYaml(items));
    }

    private static void AssertSameItems(IReadOnlyDictionary<string, string?> expected, IReadOnlyDictionary<string, string?> actual) =>
        Assert.Equal(
            expected.OrderBy(i => i.Key, StringComparer.Ordinal),
            actual.OrderBy(i => i.Key, StringComparer.Ordinal));
}

namespace ConfigCenter.Core.Tests;

public class YamlFlatteningTests
{
    // Each YAML document and a JSON document that means the same thing.
    public static TheoryData<string, string> EquivalentDocuments => new()
    {
        {
            """
            ConnectionStrings:
              Main: "Data Source=db;Pool=5"
            Pool:
              Size: 50
              Limits: { Max: 9 }
            """,
            """{ "ConnectionStrings": { "Main": "Data Source=db;Pool=5" }, "Pool": { "Size": 50, "Limits": { "Max": 9 } } }"""
        },
        {
            """
            Servers:
              - Host: a
                Port: 1
              - Host: b
                Tags: [x, y]
            """,
            """{ "Servers": [ { "Host": "a", "Port": 1 }, { "Host": "b", "Tags": ["x", "y"] } ] }"""
        },
        {
            """
            A: null
            B: ~
            C:
            D: [null, 1, ~]
            E: {}
            F: []
            G: { H: {}, I: [] }
            """,
            """{ "A": null, "B": null, "C": null, "D": [null, 1, null], "E": {}, "F": [], "G": { "H": {}, "I": [] } }"""
        },
        {
            """
            T: true
            F: False
            S: "true"
            N: "null"
            Empty: ""
            Dec: 1.50
            Exp: 6.02e+23
            Neg: -7
            """,
            """{ "T": true, "F": false, "S": "true", "N": "null", "Empty": "", "Dec": 1.50, "Exp": 6.02e+23, "Neg": -7 }"""
        },
        {
            // The raw string has no final line break, so the block scalar "Multi" has none either.
            """
            Grüße:
              名前: 値
              Emoji: "🚀"
              Multi: |
                line1
                line2
            """,
            """{ "Grüße": { "名前": "値", "Emoji": "🚀", "Multi": "line1\nline2" } }"""
        },
        {
            """
            defaults: &defaults
              Retries: 3
            Primary: *defaults
            Matrix:
              - - 1
                - 2
              - [3, { K: 5 }]
            """,
            """{ "defaults": { "Retries": 3 }, "Primary": { "Retries": 3 }, "Matrix": [[1, 2], [3, { "K": 5 }]] }"""
        },
    };

    [Theory]
    [MemberData(nameof(EquivalentDocuments))]
    public void Flatten_ShouldEqualTheFlatteningOfTheEquivalentJson(string yaml, string json)
    {
        var fromJson = DocumentFlattener.Flatten(NamespaceFormat.Json, json);
        var fromYaml = DocumentFlattener.Flatten(NamespaceFormat.Yaml, yaml);

        Assert.True(fromYaml.Success, fromYaml.Error?.Message);
        Assert.Equal(fromJson.Items!.OrderBy(i => i.Key, StringComparer.Ordinal), fromYaml.Items!.OrderBy(i => i.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("~")]
    [InlineData("{}")]
    public void Flatten_ShouldTreatAnEmptyDocumentAsNoItems(string yaml)
    {
        var result = DocumentFlattener.Flatten(NamespaceFormat.Yaml, yaml);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Empty(result.Items!);
    }

    [Theory]
    [InlineData("- a\n- b\n", "mapping")]
    [InlineData("just text", "mapping")]
    [InlineData("a: 1\n---\nb: 2\n", "2 documents")]
    [InlineData("a: 1\nA: 2\n", "more than once")]
    [InlineData("? [x, y]\n: 1\n", "plain text")]
    public void Flatten_ShouldRejectDocumentsThatAreNotOneMapping(string yaml, string expected)
    {
        var result = DocumentFlattener.Flatten(NamespaceFormat.Yaml, yaml);

        Assert.False(result.Success);
        Assert.Equal("content", result.Error!.Field);
        Assert.Contains(expected, result.Error.Message, StringComparison.Ordinal);
    }
}

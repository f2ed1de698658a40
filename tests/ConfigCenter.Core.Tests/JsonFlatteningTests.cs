namespace ConfigCenter.Core.Tests;

public class JsonFlatteningTests
{
    public static TheoryData<string, string> Documents => new()
    {
        { "empty", "{}" },
        { "nested", """{ "ConnectionStrings": { "Main": "Data Source=db;Pool=5" }, "Pool": { "Size": "50", "Limits": { "Max": "9" } } }""" },
        { "arrays of objects", """{ "Servers": [ { "Host": "a", "Port": 1 }, { "Host": "b", "Tags": ["x", "y"] } ] }""" },
        { "nulls", """{ "A": null, "B": { "C": null }, "D": [null, 1, null] }""" },
        { "empty arrays and objects", """{ "E": {}, "F": [], "G": { "H": {}, "I": [] }, "J": [ {}, [], [[]] ] }""" },
        { "numbers", """{ "Int": 42, "Neg": -7, "Dec": 1.50, "Exp": 6.02e+23, "Big": 123456789012345678901234567890, "Zero": -0.0 }""" },
        { "booleans and strings", """{ "T": true, "F": false, "S": "true", "Empty": "", "Esc": "line1\nline2\t\"q\" \\ \/" }""" },
        { "unicode", """{ "Grüße": { "名前": "値", "Emoji": "\ud83d\ude80 🚀", "Accent": "\u00e9t\u00e9" } }""" },
        { "deep nesting", "{" + string.Concat(Enumerable.Range(0, 30).Select(i => $"\"L{i}\": {{")) + "\"Leaf\": 1" + new string('}', 31) },
        { "comments and trailing commas", "// header\n{ /* block */ \"A\": [1, 2,], \"B\": { \"C\": 3, }, }" },
        { "arrays of arrays", """{ "M": [[1, 2], [3, [4, { "K": 5 }]]] }""" },
        { "keys with spaces and dots", """{ "Logging": { "LogLevel": { "Microsoft.AspNetCore": "Warning", "My App": "Debug" } } }""" },
        { "repeated object merges", """{ "A": {}, "A": { "B": 1 }, "C": [], "C": [7] }""" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Flatten_ShouldMatchTheJsonConfigurationProvider(string name, string json)
    {
        var expected = JsonProvider.Load(json);

        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, json);

        Assert.True(result.Success, $"{name}: {result.Error?.Message}");
        Assert.Equal(expected.OrderBy(i => i.Key, StringComparer.Ordinal), result.Items!.OrderBy(i => i.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{ "a": 1, "A": 2 }""")]
    [InlineData("""{ "a": { "b": 1 }, "a:b": 2 }""")]
    [InlineData("""{ "a": [ {} ], "a": [ 1 ] }""")]
    [InlineData("""{ "a": null, "A": null }""")]
    public void Flatten_ShouldRejectDuplicateKeysLikeTheProvider(string json)
    {
        Assert.ThrowsAny<Exception>(() => JsonProvider.Load(json));

        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, json);

        Assert.False(result.Success);
        Assert.Equal("content", result.Error!.Field);
        Assert.Contains("more than once", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Flatten_ShouldRequireAnObjectAtTheTopLikeTheProvider(string json)
    {
        Assert.ThrowsAny<Exception>(() => JsonProvider.Load(json));

        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, json);

        Assert.False(result.Success);
        Assert.Contains("object at the top level", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flatten_ShouldKeepTheCaseOfTheFirstSpelling()
    {
        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, """{ "Pool": { "Size": 5 } }""");

        Assert.Equal("Pool:Size", Assert.Single(result.Items!).Key);
        Assert.Equal("5", result.Items!["pool:size"]);
    }

    [Theory]
    [InlineData("""{ "": 1 }""")]
    [InlineData("""{ "a": { " b": 1 } }""")]
    [InlineData("""{ "a::b": 1 }""")]
    public void Flatten_ShouldRejectKeysTheItemEditorWouldReject(string json)
    {
        var result = DocumentFlattener.Flatten(NamespaceFormat.Json, json);

        Assert.False(result.Success);
        Assert.Equal("content", result.Error!.Field);
    }

    [Fact]
    public void Flatten_ShouldRefusePropertiesAsADocumentFormat()
    {
        var result = DocumentFlattener.Flatten(NamespaceFormat.Properties, "a=b");

        Assert.False(result.Success);
        Assert.Equal("format", result.Error!.Field);
    }
}

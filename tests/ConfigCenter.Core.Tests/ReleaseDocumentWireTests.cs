using System.Text.Json;
using ConfigCenter.Contracts;

namespace ConfigCenter.Core.Tests;

/// <summary>Release documents written before a field existed still read with that field's default.</summary>
public sealed class ReleaseDocumentWireTests
{
    private const string WithoutGeneration =
        """{"schema":1,"app":"shop","environment":"prod","namespace":"application","revision":3,"format":"properties","publishedAt":"2026-11-25T10:00:00Z","publishedBy":"alice","checksum":"sha256:x","items":{"A":"1"}}""";

    [Fact]
    public void DocumentWithoutGeneration_ReadsAsTheEmptyGeneration_AndOrdersBeforeAnyGeneration()
    {
        var document = JsonSerializer.Deserialize(WithoutGeneration, ContractsJsonContext.Default.ReleaseDocument)!;

        Assert.Equal("", document.Generation);
        Assert.Equal("", document.Message);
        Assert.Equal("\"3\"", ReleaseOrder.ETag(document.Generation, document.Revision));
        Assert.True(ReleaseOrder.IsNewer(document with { Generation = "000000000000abcd", Revision = 1 }, document));
    }

    [Fact]
    public void WireOptions_WriteNonAsciiTextAsUtf8_AndEscapeOnlyWhatJsonRequires()
    {
        var document = JsonSerializer.Deserialize(WithoutGeneration, ContractsJsonContext.Default.ReleaseDocument)! with
        {
            Items = new Dictionary<string, string?> { ["Price"] = "10 € 中 😀", ["Quote"] = "say \"hi\"\n\\" },
        };

        var text = System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Wire.ReleaseDocument));

        Assert.Contains("\"Price\":\"10 € 中 😀\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u20AC", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(document.Items["Quote"], JsonSerializer.Deserialize(text, ContractsJsonContext.Default.ReleaseDocument)!.Items["Quote"]);
    }
}

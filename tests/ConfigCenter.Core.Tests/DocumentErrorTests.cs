namespace ConfigCenter.Core.Tests;

public class DocumentErrorTests
{
    public class BadJson
    {
        [Theory]
        [InlineData("{\n  \"a\": 1,\n  \"b\": }", 3, 8)]
        [InlineData("{ \"a\": 1 \"b\": 2 }", 1, 10)]
        [InlineData("{\n\n  \"a\" 1\n}", 3, 7)]
        [InlineData("{ \"a\": 1", 1, 9)]
        public void ShouldPointAtTheLineAndColumn(string json, int line, int column)
        {
            var error = DocumentFlattener.Flatten(NamespaceFormat.Json, json).Error;

            Assert.NotNull(error);
            Assert.Equal("content", error.Field);
            Assert.Equal(line, error.Line);
            Assert.Equal(column, error.Column);
            Assert.StartsWith($"The JSON is invalid at line {line}, column {column}: ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
        }
    }

    public class BadYaml
    {
        [Theory]
        [InlineData("a: 1\n  b: 2\n", 2, 4)]
        [InlineData("a:\n  - x\n -y\n", 3, 2)]
        [InlineData("a: 1\nkey: \"unterminated\n", 2, 6)]
        [InlineData("a: {b: 1\n", 2, 1)]
        [InlineData("a: 1\na: 2\n", 2, 1)]
        public void ShouldPointAtTheLineAndColumn(string yaml, int line, int column)
        {
            var error = DocumentFlattener.Flatten(NamespaceFormat.Yaml, yaml).Error;

            Assert.NotNull(error);
            Assert.Equal("content", error.Field);
            Assert.Equal(line, error.Line);
            Assert.Equal(column, error.Column);
            Assert.StartsWith($"The YAML is invalid at line {line}, column {column}: ", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ShouldReportAPositionEvenWhenTheParserFailsInternally()
        {
            // YamlDotNet 18 throws InvalidOperationException (not YamlException) for this input.
            var error = DocumentFlattener.Flatten(NamespaceFormat.Yaml, "a: 1\nb: [1, 2\nc: 3").Error;

            Assert.NotNull(error);
            Assert.NotNull(error.Line);
            Assert.NotNull(error.Column);
        }
    }

    public class SizeLimit
    {
        [Theory]
        [InlineData(NamespaceFormat.Json)]
        [InlineData(NamespaceFormat.Yaml)]
        public void ShouldRejectADocumentOverOneMebibyte(NamespaceFormat format)
        {
            var content = "{\"a\":\"" + new string('x', DocumentLimits.MaxDocumentBytes) + "\"}";

            var error = DocumentFlattener.Flatten(format, content).Error;

            Assert.NotNull(error);
            Assert.Equal(
                $"The document is {content.Length} bytes; the limit is 1048576 bytes (1 MiB).",
                error.Message);
        }

        [Fact]
        public void ShouldCountUtf8BytesNotCharacters()
        {
            // 'é' is two bytes in UTF-8, so this is under the limit in characters but over it in bytes.
            var content = "{\"a\":\"" + new string('é', (DocumentLimits.MaxDocumentBytes / 2) + 1) + "\"}";

            Assert.False(DocumentFlattener.Flatten(NamespaceFormat.Json, content).Success);
        }

        [Fact]
        public void ShouldAcceptADocumentJustUnderTheLimit()
        {
            var content = "{\"a\":\"" + new string('x', DocumentLimits.MaxDocumentBytes - 8) + "\"}";

            Assert.True(DocumentFlattener.Flatten(NamespaceFormat.Json, content).Success);
        }
    }
}

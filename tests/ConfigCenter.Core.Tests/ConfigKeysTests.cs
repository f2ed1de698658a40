namespace ConfigCenter.Core.Tests;

public class ConfigKeysTests
{
    public class Validate
    {
        [Theory]
        [InlineData("Pool")]
        [InlineData("ConnectionStrings:Main")]
        [InlineData("Logging:LogLevel:Microsoft.AspNetCore")]
        [InlineData("Servers:0:Host")]
        [InlineData("Display Name:First Part")]
        [InlineData("ключ:値")]
        public void ShouldAccept(string key) => Assert.Null(ConfigKeys.Validate(key));

        [Fact]
        public void ShouldAcceptKeyAtTheLengthLimit() =>
            Assert.Null(ConfigKeys.Validate(new string('k', ConfigKeys.MaxKeyLength)));

        [Theory]
        [InlineData(null, "required")]
        [InlineData("", "required")]
        [InlineData(":a", "starts or ends with ':'")]
        [InlineData("a:", "starts or ends with ':'")]
        [InlineData("a::b", "Key 'a::b' has an empty segment between ':' separators.")]
        [InlineData("a\nb", "control character (U+000A)")]
        [InlineData("a\u0000", "control character (U+0000)")]
        [InlineData(" a", "leading or trailing whitespace")]
        [InlineData("a: b", "leading or trailing whitespace")]
        [InlineData("a :b", "leading or trailing whitespace")]
        public void ShouldRejectWithSentence(string? key, string expected)
        {
            var error = ConfigKeys.Validate(key);

            Assert.NotNull(error);
            Assert.Equal("key", error.Field);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.EndsWith(".", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ShouldRejectKeyOverTheLengthLimit()
        {
            var error = ConfigKeys.Validate(new string('k', ConfigKeys.MaxKeyLength + 1));

            Assert.NotNull(error);
            Assert.Contains("513 characters", error.Message, StringComparison.Ordinal);
        }
    }

    public class FindCaseConflict
    {
        [Fact]
        public void ShouldNameBothKeysThatDifferOnlyByCase()
        {
            var error = ConfigKeys.FindCaseConflict(["Pool:Size", "Timeout", "pool:size", "TIMEOUT"]);

            Assert.NotNull(error);
            Assert.Equal("key", error.Field);
            Assert.Contains("'Pool:Size'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'pool:size'", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ShouldReturnNullForDistinctKeys() =>
            Assert.Null(ConfigKeys.FindCaseConflict(["a", "a:b", "b", "A1"]));

        [Fact]
        public void ShouldNotTreatAnExactRepeatAsACaseConflict() =>
            Assert.Null(ConfigKeys.FindCaseConflict(["a", "a"]));
    }

    [Fact]
    public void Comparer_ShouldIgnoreCaseLikeIConfiguration() =>
        Assert.True(ConfigKeys.Comparer.Equals("Pool:Size", "POOL:SIZE"));
}

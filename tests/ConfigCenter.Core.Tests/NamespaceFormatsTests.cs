namespace ConfigCenter.Core.Tests;

public class NamespaceFormatsTests
{
    [Theory]
    [InlineData("properties", NamespaceFormat.Properties)]
    [InlineData("JSON", NamespaceFormat.Json)]
    [InlineData("Yaml", NamespaceFormat.Yaml)]
    public void TryParse_ShouldAcceptWireNamesIgnoringCase(string value, NamespaceFormat expected)
    {
        Assert.True(NamespaceFormats.TryParse(value, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("xml")]
    [InlineData("yml")]
    public void TryParse_ShouldRejectEverythingElse(string? value) =>
        Assert.False(NamespaceFormats.TryParse(value, out _));

    [Theory]
    [InlineData(NamespaceFormat.Properties, "properties")]
    [InlineData(NamespaceFormat.Json, "json")]
    [InlineData(NamespaceFormat.Yaml, "yaml")]
    public void ToWire_ShouldRoundTripThroughTryParse(NamespaceFormat format, string wire)
    {
        Assert.Equal(wire, format.ToWire());
        Assert.True(NamespaceFormats.TryParse(format.ToWire(), out var parsed));
        Assert.Equal(format, parsed);
    }
}

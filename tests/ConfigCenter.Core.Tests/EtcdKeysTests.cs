using ConfigCenter.Contracts;

namespace ConfigCenter.Core.Tests;

public sealed class EtcdKeysTests
{
    [Fact]
    public void Config_BuildsTheDocumentedKey_AndParsesBack()
    {
        var key = EtcdKeys.Config("configcenter/", "prod", "order-service", "database");
        Assert.Equal("/configcenter/config/prod/order-service/database", key);
        Assert.True(EtcdKeys.TryParseConfig("/configcenter", key, out var env, out var app, out var ns));
        Assert.Equal(("prod", "order-service", "database"), (env, app, ns));
        Assert.False(EtcdKeys.TryParseConfig("/configcenter", "/configcenter/registry/prod/x/y", out _, out _, out _));
    }

    [Theory]
    [InlineData("/cc/config/", "/cc/config0")]
    [InlineData("a", "b")]
    public void PrefixRangeEnd_IsThePrefixWithItsLastByteIncremented(string prefix, string expected) =>
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(expected), EtcdKeys.PrefixRangeEnd(prefix));

    [Fact]
    public void PrefixRangeEnd_IncrementsTheLastUtf8Byte_OfANonAsciiPrefix() =>
        Assert.Equal(new byte[] { 0xc3, 0xc0 }, EtcdKeys.PrefixRangeEnd("\u00ff"));
}

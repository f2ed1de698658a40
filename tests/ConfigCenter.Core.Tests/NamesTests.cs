namespace ConfigCenter.Core.Tests;

public class NamesTests
{
    public class AppIdsAndEnvironments
    {
        [Theory]
        [InlineData("a")]
        [InlineData("order-service")]
        [InlineData("0day")]
        [InlineData("a23456789012345678901234567890123456789012345678901234567890123")] // 63 chars
        public void ShouldAccept(string id)
        {
            Assert.Null(Names.ValidateAppId(id));
            Assert.Null(Names.ValidateEnvironment(id));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("-leading-dash")]
        [InlineData("Upper")]
        [InlineData("has.dot")]
        [InlineData("has_underscore")]
        [InlineData("has space")]
        [InlineData("prod\n")]
        [InlineData("a234567890123456789012345678901234567890123456789012345678901234")] // 64 chars
        public void ShouldReject(string? id)
        {
            var app = Names.ValidateAppId(id);
            var env = Names.ValidateEnvironment(id);

            Assert.NotNull(app);
            Assert.NotNull(env);
            Assert.Equal("id", app.Field);
            Assert.Equal("id", env.Field);
            Assert.StartsWith("App id", app.Message, StringComparison.Ordinal);
            Assert.StartsWith("Environment id", env.Message, StringComparison.Ordinal);
        }
    }

    public class Namespaces
    {
        [Theory]
        [InlineData("application")]
        [InlineData("db.primary")]
        [InlineData("feature_flags")]
        [InlineData("a-b.c_d")]
        [InlineData("1")]
        public void ShouldAccept(string name) => Assert.Null(Names.ValidateNamespace(name));

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(".hidden")]
        [InlineData("_private")]
        [InlineData("Database")]
        [InlineData("a/b")]
        [InlineData("a:b")]
        [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
        public void ShouldReject(string? name)
        {
            var error = Names.ValidateNamespace(name);

            Assert.NotNull(error);
            Assert.Equal("name", error.Field);
        }
    }
}

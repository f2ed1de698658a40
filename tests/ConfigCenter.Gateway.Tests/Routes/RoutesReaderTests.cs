using ConfigCenter.Core;
using ConfigCenter.Gateway.Routes;

namespace ConfigCenter.Gateway.Tests.Routes;

/// <summary>The routes contract read from a JSON namespace flattened exactly as the server flattens it at publish.</summary>
public sealed class RoutesReaderTests
{
    private const string Valid = """
        {
          "Jwt": { "Issuer": "https://issuer.test", "Audience": "orders-api", "SigningKeys": [ "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=" ] },
          "RateLimits": { "standard": { "PermitLimit": 5, "Window": "00:00:10", "Partition": "caller" } },
          "Limits": { "MaxRequestBodySize": 1048576 },
          "Routes": {
            "orders": {
              "Match": { "Path": "/orders/{**rest}", "Methods": [ "get", "POST" ], "Hosts": [ "api.example.com", "*.example.org:8443" ],
                         "Headers": [ { "Name": "X-Tenant", "Values": [ "a", "b" ], "Mode": "headerprefix" } ] },
              "Service": "order-service",
              "Authorization": "jwt",
              "RateLimitPolicy": "Standard",
              "Timeout": "00:00:05",
              "RetryNonIdempotent": true,
              "Transforms": [ { "PathRemovePrefix": "/orders" }, { "RequestHeader": "X-From", "Set": "gateway" } ],
              "Canary": { "Version": "2.0", "Percent": 10, "Header": "X-Canary", "HeaderPattern": "^(1|true)$" }
            },
            "public": { "Match": { "Path": "/public/{**rest}" }, "Service": "sample-service" }
          }
        }
        """;

    [Fact]
    public void AValidNamespace_ReadsIntoTheModel()
    {
        var result = RoutesReader.Read(Flatten(Valid));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var routes = result.Routes!;
        Assert.Equal(["orders", "public"], routes.Routes.Select(r => r.Id));
        var orders = routes.Routes[0];
        Assert.Equal("/orders/{**rest}", orders.Match.Path);
        Assert.Equal(["GET", "POST"], orders.Match.Methods);
        Assert.Equal(["api.example.com", "*.example.org:8443"], orders.Match.Hosts);
        Assert.Equal(("X-Tenant", "HeaderPrefix"), (orders.Match.Headers.Single().Name, orders.Match.Headers.Single().Mode));
        Assert.Equal(["a", "b"], orders.Match.Headers.Single().Values);
        Assert.Equal("order-service", orders.Service);
        Assert.Equal(RouteAuthorization.Jwt, orders.Authorization);
        Assert.Equal("Standard", orders.RateLimitPolicy);
        Assert.Equal(TimeSpan.FromSeconds(5), orders.Timeout);
        Assert.True(orders.RetryNonIdempotent);
        Assert.Equal("/orders", orders.Transforms[0]["PathRemovePrefix"]);
        Assert.Equal("gateway", orders.Transforms[1]["Set"]);
        Assert.Equal(new CanaryRule { Version = "2.0", Percent = 10, Header = "X-Canary", HeaderPattern = "^(1|true)$" }, orders.Canary);
        Assert.Equal("orders-api", routes.Jwt!.Audience);
        var policy = routes.RateLimits["standard"];
        Assert.Equal((5, TimeSpan.FromSeconds(10), RateLimitPartition.Caller), (policy.PermitLimit, policy.Window, policy.Partition));
        Assert.Equal(1048576, routes.MaxRequestBodySize);
        Assert.Equal(RouteAuthorization.Anonymous, routes.Routes[1].Authorization);
        Assert.Null(routes.Routes[1].Timeout);
    }

    [Theory]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a/{id" }, "Service": "svc" } } }""", "Routes:r:Match:Path")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "a" }, "Service": "svc" } } }""", "Routes:r:Match:Path")]
    [InlineData("""{ "Routes": { "r": { "Match": { }, "Service": "svc" } } }""", "Routes:r:Match")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" } } } }""", "Routes:r:Service")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "Bad_Name" } } }""", "Routes:r:Service")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Servce": "svc" } } }""", "Routes:r:Servce")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a", "Methods": [ "FETCH" ] }, "Service": "svc" } } }""", "Routes:r:Match:Methods:0")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Authorization": "basic" } } }""", "Routes:r:Authorization")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Authorization": "jwt" } } }""", "Routes:r:Authorization")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "RateLimitPolicy": "missing" } } }""", "Routes:r:RateLimitPolicy")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Timeout": "soon" } } }""", "Routes:r:Timeout")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "RetryNonIdempotent": "yes" } } }""", "Routes:r:RetryNonIdempotent")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Transforms": [ { "PathRewrite": "/b" } ] } } }""", "Routes:r:Transforms:0")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Canary": { "Version": "2", "Header": "X-C", "HeaderPattern": "([a-" } } } }""", "Routes:r:Canary:HeaderPattern")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Canary": { "Version": "2", "Percent": 150 } } } }""", "Routes:r:Canary:Percent")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "svc", "Canary": { "Percent": 5 } } } }""", "Routes:r:Canary:Version")]
    [InlineData("""{ "Routes": { "r": { "Match": { "Path": "/a", "Headers": [ { "Name": "X", "Mode": "Regex", "Values": [ "a" ] } ] }, "Service": "svc" } } }""", "Routes:r:Match:Headers:0:Mode")]
    [InlineData("""{ "RateLimits": { "p": { "PermitLimit": 0, "Window": "00:00:01" } } }""", "RateLimits:p:PermitLimit")]
    [InlineData("""{ "RateLimits": { "p": { "PermitLimit": 3 } } }""", "RateLimits:p:Window")]
    [InlineData("""{ "Jwt": { "Audience": "a" } }""", "Jwt:SigningKeys")]
    [InlineData("""{ "Jwt": { "Authority": "https://login.test" } }""", "Jwt:Audience")]
    [InlineData("""{ "Jwt": { "Audience": "a", "Issuer": "i", "SigningKeys": [ "c2hvcnQ=" ] } }""", "Jwt:SigningKeys:0")]
    [InlineData("""{ "Gateway": { } , "Routes": { } }""", "Gateway")]
    public void AnInvalidNamespace_IsRejected_NamingTheItemPath(string json, string path)
    {
        var result = RoutesReader.Read(Flatten(json));

        Assert.False(result.IsValid);
        Assert.Null(result.Routes);
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Fact]
    public void AnUnknownService_IsRejected_OnlyWhenTheCallerChecksServices()
    {
        const string Json = """{ "Routes": { "r": { "Match": { "Path": "/a" }, "Service": "ghost" }, "s": { "Match": { "Path": "/b" }, "Service": "known" } } }""";

        Assert.True(RoutesReader.Read(Flatten(Json)).IsValid);
        var checkedResult = RoutesReader.Read(Flatten(Json), s => s == "known");
        var error = Assert.Single(checkedResult.Errors);
        Assert.Equal("Routes:r:Service", error.Path);
        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyNamespace_HasNoRoutes()
    {
        var result = RoutesReader.Read([]);

        Assert.True(result.IsValid);
        Assert.Empty(result.Routes!.Routes);
    }

    private static IReadOnlyDictionary<string, string?> Flatten(string json)
    {
        var flat = DocumentFlattener.Flatten(NamespaceFormat.Json, json);
        Assert.True(flat.Success, flat.Error?.Message);
        return flat.Items!;
    }
}

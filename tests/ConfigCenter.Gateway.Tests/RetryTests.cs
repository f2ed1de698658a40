using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConfigCenter.Gateway.Tests.Infrastructure;
using ConfigCenter.Testing;

namespace ConfigCenter.Gateway.Tests;

/// <summary>
/// What the gateway retries on another instance: a failed connection for any method, an idempotent request that got
/// no response, any request of a route with <c>RetryNonIdempotent</c> — and never a POST whose body reached an
/// instance that then gave no response. The instances are real Kestrel hosts that cut the connection after reading
/// the request.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RetryTests(GatewayFixture fixture)
{
    [Fact]
    public async Task APostWhoseBodyWasSent_AndGotNoResponse_IsNotRetried_AndTheCallerSees502()
    {
        const string Service = "svc-noretry";
        var everyRequestFails = AbortBudget.Always();
        await using var a = await StartAsync(Service, everyRequestFails);
        await using var b = await StartAsync(Service, everyRequestFails);
        await PublishAndWaitAsync(Service, a, b);

        using var response = await PostAsync("/plain/echo", "order-1");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        // The answer came after any retry would have happened: the POST reached exactly one instance, once.
        Assert.Equal(["order-1"], a.EchoBodies.Concat(b.EchoBodies));
        Assert.Equal(0, await RetriesAsync(a, b));
    }

    [Fact]
    public async Task AGetThatGotNoResponse_IsRetriedOnceOnTheOtherInstance()
    {
        const string Service = "svc-getretry";
        var firstRequestFails = new AbortBudget(1);
        await using var a = await StartAsync(Service, firstRequestFails);
        await using var b = await StartAsync(Service, firstRequestFails);
        await PublishAndWaitAsync(Service, a, b);

        using var response = await fixture.GetAsync("/plain/flaky");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, a.FlakyRequests);
        Assert.Equal(1, b.FlakyRequests);
        Assert.Equal(1, await RetriesAsync(a, b));
    }

    [Fact]
    public async Task APostOnARouteWithRetryNonIdempotent_IsRetriedOnTheOtherInstance_WithItsWholeBody()
    {
        const string Service = "svc-postretry";
        var firstRequestFails = new AbortBudget(1);
        await using var a = await StartAsync(Service, firstRequestFails);
        await using var b = await StartAsync(Service, firstRequestFails);
        await PublishAndWaitAsync(Service, a, b);
        // Larger than the 64 KB kept in memory: the retry sends it again from the gateway's temporary file.
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i:D5}"));

        using var response = await PostAsync("/retrying/echo", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(body, answer.GetProperty("body").GetString());
        // Both instances received the whole body once: the first cut the connection, the second answered.
        Assert.Equal([body], a.EchoBodies);
        Assert.Equal([body], b.EchoBodies);
        Assert.Equal(1, await RetriesAsync(a, b));

        // The same failure on the route without the flag is not retried.
        var alwaysFails = AbortBudget.Always();
        a.Aborts = alwaysFails;
        b.Aborts = alwaysFails;
        using var plain = await PostAsync("/plain/echo", "once");
        Assert.Equal(HttpStatusCode.BadGateway, plain.StatusCode);
        Assert.Single(a.EchoBodies.Concat(b.EchoBodies), sent => sent == "once");
    }

    [Fact]
    public async Task AConnectFailure_IsRetriedForAnyMethod_EvenAPostWithABody()
    {
        const string Service = "svc-connect";
        await using var live = await StartAsync(Service, aborts: null);
        await fixture.WaitRegisteredAsync(Service, live.InstanceId);
        await fixture.PublishRoutesAsync(Routes(Service));
        await fixture.WaitRoutedAsync(Service, "/plain/whoami", live.InstanceId);
        // Registered and passing, but at a port nothing listens on. It joins after the route answers, so that no
        // request has tried it yet (a failed attempt takes it out for the reactivation period).
        await using var unreachable = await TestService.StartAsync(fixture, Service, registeredPort: FreePort.Get());
        await WaitFor.ConditionAsync(async () => (await fixture.DestinationsAsync(Service)).SetEquals([live.InstanceId, unreachable.InstanceId]),
            TimeSpan.FromSeconds(10), "the unreachable instance is a destination");

        // Round robin over two destinations sends one of two requests to the unreachable one.
        using var first = await PostAsync("/plain/echo", "p1");
        using var second = await PostAsync("/plain/echo", "p2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(["p1", "p2"], live.EchoBodies);
        Assert.Empty(unreachable.EchoBodies);
        var metrics = await MetricsAsync();
        Assert.Equal(1, metrics.GetProperty(unreachable.InstanceId).GetProperty("retries").GetInt64());
        Assert.Equal(1, metrics.GetProperty(unreachable.InstanceId).GetProperty("failures").GetInt64());
    }

    private async Task<TestService> StartAsync(string service, AbortBudget? aborts)
    {
        var instance = await TestService.StartAsync(fixture, service);
        instance.Aborts = aborts;
        return instance;
    }

    /// <summary>Publishes <c>/plain</c> and <c>/retrying</c> (RetryNonIdempotent) to the service; waits until both instances are destinations.</summary>
    private async Task PublishAndWaitAsync(string service, TestService a, TestService b)
    {
        await fixture.WaitRegisteredAsync(service, a.InstanceId);
        await fixture.WaitRegisteredAsync(service, b.InstanceId);
        await fixture.PublishRoutesAsync(Routes(service));
        await fixture.WaitRoutedAsync(service, "/plain/whoami", a.InstanceId, b.InstanceId);
        await WaitFor.ConditionAsync(async () =>
        {
            using var response = await fixture.GetAsync("/retrying/whoami");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "/retrying answers");
    }

    private static string Routes(string service) => $$"""
        { "Routes": {
            "plain": { "Match": { "Path": "/plain/{**rest}" }, "Service": "{{service}}", "Transforms": [ { "PathRemovePrefix": "/plain" } ] },
            "retrying": { "Match": { "Path": "/retrying/{**rest}" }, "Service": "{{service}}", "RetryNonIdempotent": true,
                          "Transforms": [ { "PathRemovePrefix": "/retrying" } ] } } }
        """;

    private async Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        return await fixture.Http.PostAsync(new Uri(fixture.Gateway.BaseAddress, path), content);
    }

    private Task<JsonElement> MetricsAsync() => fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(fixture.Gateway.BaseAddress, "/metrics"));

    /// <summary>The retries the gateway counted after a failed attempt on either instance.</summary>
    private async Task<long> RetriesAsync(TestService a, TestService b)
    {
        var metrics = await MetricsAsync();
        return new[] { a, b }.Sum(s => metrics.TryGetProperty(s.InstanceId, out var m) ? m.GetProperty("retries").GetInt64() : 0);
    }
}

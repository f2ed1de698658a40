using System.Net;
using System.Text;
using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>
/// Every endpoint and hub method × every kind of caller, generated from the endpoint data source: the expected answer
/// (allowed, 401 or 403) follows from the policies the endpoint declares, and the server must really answer that.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixFixture fixture, ITestOutputHelper output) : IClassFixture<MatrixFixture>
{
    private enum Expected
    {
        Allowed,
        Unauthenticated,
        Forbidden,
    }

    /// <summary>Which user callers each user policy admits; client callers never pass a user policy.</summary>
    private static readonly Dictionary<string, Caller[]> Admits = new(StringComparer.Ordinal)
    {
        [AuthConstants.ManagementPolicy] = [Caller.Viewer, Caller.Editor, Caller.Publisher, Caller.Owner, Caller.Admin],
        [AuthConstants.AccountPolicy] = [Caller.Viewer, Caller.Editor, Caller.Publisher, Caller.Owner, Caller.Admin],
        [AuthConstants.AdminPolicy] = [Caller.Admin],
        [AuthConstants.AppReadPolicy] = [Caller.Viewer, Caller.Editor, Caller.Publisher, Caller.Owner, Caller.Admin],
        [AuthConstants.AppEditPolicy] = [Caller.Editor, Caller.Owner, Caller.Admin],
        [AuthConstants.AppPublishPolicy] = [Caller.Publisher, Caller.Admin],
        [AuthConstants.AppManagePolicy] = [Caller.Owner, Caller.Admin],
    };

    private static readonly Caller[] UserCallers = [Caller.Viewer, Caller.Editor, Caller.Publisher, Caller.Owner, Caller.Admin];

    [Fact]
    public async Task EveryEndpoint_AnswersEveryCallerAsItsDeclaredPolicySays()
    {
        var endpoints = DeclaredEndpoints.Read(fixture.Host.Services)
            .Where(e => !e.IsStaticAsset && e.DisplayName != "Fallback {**path:file}" && e.Method != "HEAD")
            .OrderBy(Stage).ThenBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} endpoints found");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = fixture.Host.BaseAddress };
        var failures = new List<string>();
        var cells = 0;
        foreach (var endpoint in endpoints)
        {
            var path = Path(endpoint);
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var expected = Expect(endpoint, caller);
                using var request = fixture.Request(caller, new HttpMethod(endpoint.Method), path);
                request.Content = Body(endpoint);
                using var response = await http.SendAsync(request);
                cells++;
                var status = (int)response.StatusCode;
                // Pages answer an anonymous GET with a redirect to the sign-in page (other methods get 401).
                var toLogin = endpoint.Method == "GET" && response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
                    && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString).StartsWith("/login", StringComparison.Ordinal);
                var ok = expected switch
                {
                    Expected.Allowed => status is not (401 or 403) && status < 500 && !toLogin,
                    Expected.Unauthenticated => status == 401 || toLogin,
                    Expected.Forbidden => status == 403,
                    _ => false,
                };
                if (!ok) failures.Add($"{endpoint.Method} {path} as {caller}: expected {expected}, got {status}{(toLogin ? " (to /login)" : "")}");
            }
        }
        output.WriteLine($"{endpoints.Count} endpoints × {Enum.GetValues<Caller>().Length} callers = {cells} requests, {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryHubMethod_AnswersEveryCallerAsItsDeclaredPolicySays()
    {
        var methods = DeclaredEndpoints.HubMethods(typeof(Program).Assembly);
        Assert.NotEmpty(methods);
        foreach (var method in methods)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var allowed = method.Policies.All(p => p == AuthConstants.ClientPolicy) && caller == Caller.ClientKey;
                await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Host.BaseAddress, ConfigHubRoutes.Hub), o =>
                {
                    if (fixture.KeyOf(caller) is { } key) o.Headers[ConfigHubRoutes.ApiKeyHeader] = key;
                    if (fixture.TokenOf(caller) is { } token) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }).Build();
                if (!allowed)
                {
                    var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
                    Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{method.Name} as {caller}: {refused.StatusCode}");
                    continue;
                }
                await hub.StartAsync();
                switch (method.Name)
                {
                    case nameof(IConfigHub.Subscribe):
                        var documents = await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(method.Name, MatrixFixture.App, MatrixFixture.Env,
                            new[] { MatrixFixture.Ns }, new Dictionary<string, long>(), new ClientInstanceInfo { InstanceId = "matrix" });
                        Assert.Equal("hello", Assert.Single(documents).Items["Greeting"]);
                        // The key's scope still applies inside the hub: another app is refused.
                        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(method.Name, "other", MatrixFixture.Env,
                            new[] { MatrixFixture.Ns }, new Dictionary<string, long>(), new ClientInstanceInfo { InstanceId = "matrix" }));
                        break;
                    case nameof(IConfigHub.Applied):
                        await hub.InvokeAsync(method.Name, MatrixFixture.Ns, 1L);
                        break;
                    default:
                        Assert.Fail($"The matrix does not know how to call hub method {method.Name}; add it here.");
                        break;
                }
            }
        }
    }

    private static Expected Expect(DeclaredEndpoint endpoint, Caller caller)
    {
        if (endpoint.Anonymous) return Expected.Allowed;
        if (endpoint.Policies.Contains(AuthConstants.ClientPolicy))
        {
            Assert.True(endpoint.Policies.Count == 1, $"{endpoint} mixes the client policy with others");
            return caller == Caller.ClientKey ? Expected.Allowed : Expected.Unauthenticated;
        }
        if (caller is Caller.Anonymous or Caller.RevokedKey or Caller.DeletedAppKey) return Expected.Unauthenticated;
        if (caller == Caller.ClientKey) return Expected.Forbidden;
        foreach (var policy in endpoint.Policies)
        {
            Assert.True(Admits.TryGetValue(policy, out var admitted), $"{endpoint}: the matrix does not know policy '{policy}'; add it to {nameof(Admits)}.");
            if (!admitted.Contains(caller)) return Expected.Forbidden;
        }
        Assert.Contains(caller, UserCallers);
        return Expected.Allowed;
    }

    // Signing out ends the caller's token, which later rows need: it runs last.
    private static int Stage(DeclaredEndpoint e) => e.Pattern == "/account/logout" ? 1 : 0;

    private string Path(DeclaredEndpoint endpoint)
    {
        var segments = endpoint.Pattern.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!segment.Contains('{', StringComparison.Ordinal)) continue;
            var name = segment[(segment.IndexOf('{', StringComparison.Ordinal) + 1)..segment.IndexOf('}', StringComparison.Ordinal)].TrimStart('*').Split(':', '?', '=')[0];
            var value = name.ToLowerInvariant() switch
            {
                // Deleting an app is Admin-only whatever the app; a spare one keeps mx for the other rows.
                "app" when endpoint is { Method: "DELETE", Pattern: "/api/v1/apps/{app}" } => MatrixFixture.SpareApp,
                "app" => MatrixFixture.App,
                "env" => MatrixFixture.Env,
                "ns" => MatrixFixture.Ns,
                "key" => "Greeting",
                "revision" => "1",
                "id" when endpoint.Pattern.StartsWith("/api/v1/users/", StringComparison.Ordinal) => fixture.TargetUserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "id" when endpoint.Pattern.EndsWith("/rotate", StringComparison.Ordinal) => fixture.DisposableKeyIds[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "id" when endpoint.Pattern.Contains("/keys/", StringComparison.Ordinal) => fixture.DisposableKeyIds[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "id" => "999999",
                "username" => "matrix-target",
                "service" => "svc",
                "instanceid" => "i1",
                "documentname" => "v1",
                _ => throw new InvalidOperationException($"{endpoint}: the matrix does not know route value '{name}'; add it here."),
            };
            segments[i] = segment[..segment.IndexOf('{', StringComparison.Ordinal)] + value + segment[(segment.IndexOf('}', StringComparison.Ordinal) + 1)..];
        }
        return string.Join('/', segments);
    }

    private static StringContent? Body(DeclaredEndpoint endpoint)
    {
        if (endpoint.Method is "GET" or "HEAD" or "DELETE") return null;
        // A form endpoint does not match a JSON body at all (routing answers that under the fallback policy).
        if (endpoint.TakesForm) return new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded");
        // The token endpoint is the one anonymous endpoint whose answer depends on the body: give it a valid sign-in.
        var json = endpoint.Pattern == "/api/v1/auth/token"
            ? $$"""{"username":"admin","password":"{{ConfigCenterServerHost.AdminPassword}}"}"""
            : "{}";
        return new StringContent(json, Encoding.UTF8, "application/json");
    }
}

using System.Reflection;
using ConfigCenter.Server.Features.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>One endpoint (per HTTP method) with the policies it declares.</summary>
public sealed record DeclaredEndpoint(string Method, string Pattern, IReadOnlyList<string> Policies, bool Anonymous, bool IsStaticAsset, string? DisplayName = null, bool TakesForm = false)
{
    public override string ToString() => $"{Method} {Pattern} [{(Anonymous ? "anonymous" : string.Join(", ", Policies))}] ({DisplayName})";
}

/// <summary>A public method of a hub with the policies its class and itself declare.</summary>
public sealed record DeclaredHubMethod(Type Hub, string Name, IReadOnlyList<string> Policies, bool Anonymous);

/// <summary>Reads what every endpoint and hub method of the running server declares, from the endpoint data source and reflection.</summary>
public static class DeclaredEndpoints
{
    /// <summary>The routes that may be anonymous: signing in, health probes and the API description.</summary>
    public static readonly IReadOnlySet<string> AnonymousAllowList = new HashSet<string>(StringComparer.Ordinal)
    {
        "/api/v1/auth/token",
        "/account/login",
        "/login",
        "/health/live",
        "/health/ready",
        "/openapi/{documentName}.json",
        "/api-reference/{documentName?}",
        "/api-reference/scalar.js",
        "/api-reference/scalar.aspnetcore.js",
        "/api-reference/favicon.svg",
        "/_framework/opaque-redirect",
    };

    public static IReadOnlyList<DeclaredEndpoint> Read(IServiceProvider services)
    {
        var endpoints = new List<DeclaredEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var metadata = endpoint.Metadata;
            var anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy ?? (a.Roles is null ? "(default policy)" : $"(roles {a.Roles})")).ToList();
            if (metadata.GetMetadata<ClientKeyCheckedInHandler>() is { } client) policies.Add(client.Policy);
            var isStatic = metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor");
            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            var takesForm = metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("application/x-www-form-urlencoded") == true;
            foreach (var method in methods.Where(m => m != "OPTIONS")) endpoints.Add(new DeclaredEndpoint(method, pattern, [.. policies.Distinct()], anonymous, isStatic, endpoint.DisplayName, takesForm));
        }
        return endpoints;
    }

    public static IReadOnlyList<DeclaredHubMethod> HubMethods(Assembly server)
    {
        var methods = new List<DeclaredHubMethod>();
        foreach (var hub in server.GetTypes().Where(t => !t.IsAbstract && typeof(Hub).IsAssignableFrom(t)))
        {
            var classPolicies = hub.GetCustomAttributes<AuthorizeAttribute>(inherit: true).Select(a => a.Policy ?? "(default policy)").ToList();
            var classAnonymous = hub.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null;
            foreach (var method in hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
            {
                if (method.Name is nameof(Hub.OnConnectedAsync) or nameof(Hub.OnDisconnectedAsync) or nameof(IDisposable.Dispose)) continue;
                var policies = classPolicies.Concat(method.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy ?? "(default policy)")).Distinct().ToList();
                methods.Add(new DeclaredHubMethod(hub, method.Name, policies, classAnonymous || method.GetCustomAttribute<AllowAnonymousAttribute>() is not null));
            }
        }
        return methods;
    }

    /// <summary>Why the endpoint fails the deny-by-default rule, or null if it declares its access explicitly.</summary>
    public static string? Violation(DeclaredEndpoint e)
    {
        // MapStaticAssets adds this in Development only, on a builder of its own that takes no conventions; it carries no
        // metadata, so the fallback policy (a signed-in user) applies to it.
        if (e.DisplayName == "Fallback {**path:file}" && e.Policies.Count == 0 && !e.Anonymous) return null;
        if (e.Anonymous) return e.IsStaticAsset || AnonymousAllowList.Contains(e.Pattern) ? null : "is anonymous but not on the allow-list";
        if (e.Policies.Count == 0) return "declares no policy";
        return e.Policies.FirstOrDefault(p => p.StartsWith('(')) is { } vague ? $"declares {vague} instead of a named policy" : null;
    }
}

using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>How an endpoint takes its input: nothing, a JSON object, or an HTML form.</summary>
internal enum BodyKind
{
    None,
    Json,
    Form,
}

/// <summary>
/// A write endpoint of the running server (POST/PUT/PATCH/DELETE under <c>/api/v1</c> or <c>/account</c>), read
/// from its <see cref="EndpointDataSource"/> so an endpoint added later is in the corpus without anyone listing it.
/// </summary>
internal sealed record WriteEndpoint(string Method, RoutePattern Pattern, BodyKind Body, IReadOnlyList<string> Fields)
{
    /// <summary>JSON fields whose type is a boolean: <c>true</c> there is a valid value, not text of the wrong kind.</summary>
    public IReadOnlySet<string> BooleanFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="value"/> must be refused in <paramref name="field"/>.</summary>
    public bool IsInvalid(string field, HostileValue value) =>
        value.Invalid && !(value.Json is [(byte)'t', (byte)'r', (byte)'u', (byte)'e'] && BooleanFields.Contains(field));

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public string Route => Pattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') : Pattern.RawText ?? "?";

    public string Name => $"{Method} {Route}";

    public IReadOnlyList<string> RouteParameters => Pattern.Parameters.Select(p => p.Name).ToList();

    /// <summary>True for the cookie/form endpoints of the UI (sign-in, sign-out); the others are the bearer API.</summary>
    public bool IsAccountForm => Route.StartsWith("/account/", StringComparison.Ordinal);

    /// <summary>The bearer-token endpoint: the corpus never sends it credentials that could be right.</summary>
    public bool IsTokenEndpoint => Route.EndsWith("/auth/token", StringComparison.Ordinal);

    public static IReadOnlyList<WriteEndpoint> Discover(IServiceProvider services)
    {
        var found = new List<WriteEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = endpoint.RoutePattern.RawText ?? "";
            if (!route.StartsWith("/api/v1/", StringComparison.Ordinal) && !route.StartsWith("/account/", StringComparison.Ordinal)) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Where(m => WriteMethods.Contains(m, StringComparer.OrdinalIgnoreCase)))
            {
                var (body, fields) = Input(endpoint);
                found.Add(new WriteEndpoint(method.ToUpperInvariant(), endpoint.RoutePattern, body, fields) { BooleanFields = BooleanFieldsOf(endpoint) });
            }
        }
        return [.. found.OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)];
    }

    /// <summary>The request path with <paramref name="values"/> (already URL text) in place of the route parameters.</summary>
    public string Path(IReadOnlyDictionary<string, string> values) =>
        "/" + string.Join("/", Pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => values[parameter.Name],
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"Unexpected route part {part.PartKind} in {Route}"),
        }))));

    private static HashSet<string> BooleanFieldsOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } type
            ? [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanRead && (p.PropertyType == typeof(bool) || p.PropertyType == typeof(bool?)))
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))]
            : [];

    private static (BodyKind Body, IReadOnlyList<string> Fields) Input(RouteEndpoint endpoint)
    {
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        if (handler is not null)
        {
            var form = handler.GetParameters().Where(p => p.GetCustomAttributes().OfType<IFromFormMetadata>().Any()).ToList();
            if (form.Count > 0) return (BodyKind.Form, form.Select(p => p.GetCustomAttributes().OfType<IFromFormMetadata>().First().Name ?? p.Name!).ToList());
        }
        if (accepts?.RequestType is { } type && accepts.ContentTypes.Any(c => c.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            var fields = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanRead)
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
                .ToList();
            return (BodyKind.Json, fields);
        }
        return (BodyKind.None, []);
    }
}

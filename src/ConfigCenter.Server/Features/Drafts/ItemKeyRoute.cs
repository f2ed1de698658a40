using Microsoft.AspNetCore.Http.Features;

namespace ConfigCenter.Server.Features.Drafts;

/// <summary>
/// The item key of <c>…/items/{key}</c>, decoded exactly once. Kestrel decodes the path but keeps "%2F"
/// escaped (so "a%2Fb" reached the store literally), and it also turns "%252F" into "%2F", so decoding the
/// route value again would decode twice. The raw request target is the only unambiguous source.
/// </summary>
internal static class ItemKeyRoute
{
    public static string Decode(HttpContext http, string routeKey)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return routeKey;
        var path = raw.Split('?', 2)[0];
        var marker = path.LastIndexOf("/items/", StringComparison.OrdinalIgnoreCase);
        if (marker < 0) return routeKey;
        var encoded = path[(marker + "/items/".Length)..];
        // A raw '/' cannot be part of the key segment (it would not have matched the route).
        return encoded.Contains('/', StringComparison.Ordinal) ? routeKey : Uri.UnescapeDataString(encoded);
    }
}

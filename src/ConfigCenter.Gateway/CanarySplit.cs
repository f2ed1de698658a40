using ConfigCenter.Gateway.Routes;
using Yarp.ReverseProxy.Model;

namespace ConfigCenter.Gateway;

/// <summary>Which requests of a route go to its canary instances.</summary>
public static class CanarySplit
{
    public static bool IsCanary(DestinationState destination, CanaryRule canary) =>
        destination.Model?.Config.Metadata is { } metadata && metadata.TryGetValue("version", out var version)
        && string.Equals(version, canary.Version, StringComparison.Ordinal);

    public static bool ToCanary(HttpRequest request, CanaryRule canary)
    {
        if (canary.Header is not null && request.Headers[canary.Header].ToString() is { Length: > 0 } header
            && (canary.HeaderPattern is null || Matches(header, canary.HeaderPattern)))
        {
            return true;
        }
        if (canary.Cookie is not null && request.Cookies[canary.Cookie] is { Length: > 0 } cookie
            && (canary.CookiePattern is null || Matches(cookie, canary.CookiePattern)))
        {
            return true;
        }
        return canary.Percent > 0 && Random.Shared.NextDouble() * 100 < canary.Percent;
    }

    private static bool Matches(string value, string pattern) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
}

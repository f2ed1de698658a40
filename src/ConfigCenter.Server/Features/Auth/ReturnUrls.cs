namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Where sign-in may send the browser back to: a path on this server, nothing else. Browsers read
/// "/\evil.example" like "//evil.example" (another host), and LocalRedirect throws for both, so an
/// unsafe return URL is replaced by "/" before it reaches the redirect.
/// </summary>
internal static class ReturnUrls
{
    public static string SafeLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/') return "/";
        if (url.Length > 1 && url[1] is '/' or '\\') return "/";
        return url.Any(char.IsControl) ? "/" : url;
    }
}

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Headers on every response, error pages included (added as the response starts, after any handler cleared it).
/// The CSP allows what Blazor Server and MudBlazor need: own scripts plus the import map Blazor renders inline, by a per-request
/// nonce (no other inline script, no eval), the circuit's WebSocket to the
/// same origin, and inline styles (MudBlazor sets style attributes). The API reference page (Scalar) runs an inline bootstrap
/// script and gets its own, looser policy; nothing else on that page can be written by users.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonceItem = "ConfigCenter.CspNonce";

    /// <summary>The policy for a response whose only inline script (Blazor's import map) carries <paramref name="nonce"/>.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>This request's script nonce, for the <c>nonce</c> attribute of an inline script the page itself renders.</summary>
    public static string Nonce(HttpContext http) => http.Items[NonceItem] as string ?? "";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var hsts = !app.Environment.IsDevelopment();
        app.Use((http, next) =>
        {
            var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            http.Items[NonceItem] = nonce;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api-reference") ? ApiReferencePolicy : ContentSecurityPolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // Browsers ignore HSTS over plain HTTP; behind a trusted proxy the request is HTTPS after the forwarded headers.
                if (hsts && http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }
}

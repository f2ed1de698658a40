namespace ConfigCenter.Server.Features.Audit;

/// <summary>Puts the request's client address (as the forwarded-headers middleware left it) into <see cref="AuditScope"/>.</summary>
internal static class AuditScopeMiddleware
{
    public static IApplicationBuilder UseAuditScope(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        AuditScope.Set(AddressOf(http));
        return next(http);
    });

    public static string AddressOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null) return "";
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }
}

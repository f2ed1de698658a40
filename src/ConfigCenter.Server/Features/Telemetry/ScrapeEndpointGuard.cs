using System.Security.Cryptography;
using System.Text;

namespace ConfigCenter.Server.Features.Telemetry;

/// <summary>
/// Who may read the scrape endpoint: anyone on the management port, anyone with the scrape key elsewhere; without a
/// key configured the endpoint does not exist on other ports (404), so it is never public by accident.
/// </summary>
internal static class ScrapeEndpointGuard
{
    public static async Task InvokeAsync(HttpContext context, TelemetryOptions options, Func<Task> next)
    {
        if (options.ManagementPort is { } port && context.Connection.LocalPort == port)
        {
            await next();
            return;
        }
        if (string.IsNullOrEmpty(options.ScrapeKey))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!HasKey(context.Request.Headers.Authorization.ToString(), options.ScrapeKey))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return;
        }
        await next();
    }

    private static bool HasKey(string authorization, string key)
    {
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}

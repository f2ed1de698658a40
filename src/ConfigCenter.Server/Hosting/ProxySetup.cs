using System.Net;
using ConfigCenter.Server.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Forwarded headers, believed only from the proxies and networks in <c>ConfigCenter:Proxy</c>. The framework's default trusts
/// loopback; that is dropped too, so a process on the same machine cannot claim to be another client or to have come over HTTPS.
/// With no proxy configured the middleware is not used at all (it would read empty lists as "trust everyone").
/// </summary>
internal static class ProxySetup
{
    public static IServiceCollection AddConfigCenterProxy(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ConfigCenterServerOptions>>((o, server) =>
        {
            var proxy = server.Value.Proxy;
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list still holds the loopback default and is still consulted.
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            o.ForwardLimit = proxy.ForwardLimit;
            foreach (var address in proxy.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(address));
            foreach (var network in proxy.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>Checks the proxy settings up front, naming the setting that does not parse.</summary>
    public static string? Validate(ConfigCenterServerOptions.ProxySettings proxy)
    {
        for (var i = 0; i < proxy.KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(proxy.KnownProxies[i], out _))
                return $"ConfigCenter:Proxy:KnownProxies:{i} ('{proxy.KnownProxies[i]}') is not an IP address.";
        }
        for (var i = 0; i < proxy.KnownNetworks.Length; i++)
        {
            if (!System.Net.IPNetwork.TryParse(proxy.KnownNetworks[i], out _))
                return $"ConfigCenter:Proxy:KnownNetworks:{i} ('{proxy.KnownNetworks[i]}') is not a network in CIDR notation like 10.0.0.0/24.";
        }
        return proxy.ForwardLimit < 1 ? "ConfigCenter:Proxy:ForwardLimit must be at least 1." : null;
    }
}

using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Reflection;
using ConfigCenter.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ConfigCenter.Client.Registry;

/// <summary>Who and where this instance is: the service name, a process-stable instance id, and the address others reach it at.</summary>
internal sealed class RegistrationEndpoint(RegistryEtcd etcd, IServiceProvider services)
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public RegistryEntry Describe(ServiceRegistrationOptions options)
    {
        var service = options.ServiceName!;
        var (scheme, address, port) = Listening(options);
        var metadata = new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal)
        {
            [RegistryMetadata.Weight] = options.Weight.ToString(CultureInfo.InvariantCulture),
        };
        if ((options.Version ?? EntryVersion()) is { Length: > 0 } version) metadata[RegistryMetadata.Version] = version;
        if (!string.IsNullOrEmpty(options.Zone)) metadata[RegistryMetadata.Zone] = options.Zone;
        if (options.Draining) metadata[RegistryMetadata.Draining] = "true";
        return new RegistryEntry
        {
            Service = service,
            InstanceId = options.InstanceId ?? InstanceIdOf(service),
            Address = address,
            Port = port,
            Scheme = scheme,
            Metadata = metadata,
            ProtectionThreshold = options.ProtectionThreshold,
        };
    }

    /// <summary>The config provider's instance id when it fits a key segment, so both views name the process alike.</summary>
    private string InstanceIdOf(string service) =>
        etcd.Settings.InstanceId is { } id && ServiceNames.CheckInstanceId(id) is null ? id : DefaultInstanceId(service);

    private string DefaultInstanceId(string service)
    {
        var host = new string([.. Environment.MachineName.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);
        return $"{service}-{(host.Length == 0 ? "host" : host)}-{Environment.ProcessId}-{_suffix}";
    }

    private (string Scheme, string Address, int Port) Listening(ServiceRegistrationOptions options)
    {
        if (options.Address is not null && options.Port is not null) return (options.Scheme ?? "http", options.Address, options.Port.Value);
        var addresses = (services.GetService(typeof(IServer)) as IServer)?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.Select(Parse).OfType<Uri>().ToList();
        var chosen = listening.FirstOrDefault(u => u.Scheme == options.Scheme) ?? listening.FirstOrDefault(u => u.Scheme == "http") ?? listening.FirstOrDefault();
        if (chosen is null)
        {
            throw new InvalidOperationException(
                "ConfigCenter registration found no address the server listens on: set ConfigCenter:Registration:Address and Port.");
        }
        return (options.Scheme ?? chosen.Scheme, options.Address ?? Reachable(chosen), options.Port ?? chosen.Port);
    }

    private static Uri? Parse(string address)
    {
        // Kestrel reports wildcards as http://+:80, http://*:80 or http://[::]:80.
        var normalized = address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri : null;
    }

    private static string Reachable(Uri uri)
    {
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) || !(ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))) return uri.Host.Trim('[', ']');
        // Listening on every interface: others need one that routes to us, not 0.0.0.0.
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString()
            ?? Dns.GetHostName();
    }

    private static string? EntryVersion() =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}

using ConfigCenter.Contracts;
using Microsoft.Extensions.Primitives;

namespace ConfigCenter.Client;

/// <summary>
/// Discovers registered service instances of the configured environment from a local cache that one etcd watch keeps
/// current. Register with <c>services.AddConfigCenterDiscovery()</c>.
/// </summary>
public interface IServiceRegistry
{
    /// <summary>
    /// The instances of <paramref name="service"/> in rotation: health <c>passing</c>, weight above 0 and not draining
    /// (all instances in rotation when the protection threshold applies). The first call waits for the registry's
    /// first read; later calls answer from memory.
    /// </summary>
    /// <param name="service">The service name.</param>
    /// <param name="ct">Cancels the wait for the first read.</param>
    ValueTask<IReadOnlyList<RegistryEntry>> GetInstancesAsync(string service, CancellationToken ct);

    /// <summary>
    /// A token that fires when any instance of the environment changes (registered, updated, gone). Take it before
    /// reading, so a change in between is not missed; use <c>ChangeToken.OnChange</c> for a change event.
    /// </summary>
    IChangeToken GetChangeToken();
}

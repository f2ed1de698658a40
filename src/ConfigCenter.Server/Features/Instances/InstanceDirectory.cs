using System.Globalization;
using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Registry;

namespace ConfigCenter.Server.Features.Instances;

/// <summary>
/// Every instance of an app and environment: those in the registry (any transport, any replica: their own presence or
/// registration, or a replica's presence entry for a hub-only client) merged with the hub clients of this replica;
/// <see cref="InstanceView.Hub"/> says which are connected here.
/// </summary>
internal sealed class InstanceDirectory(InstanceTracker tracker, RegistryView registry, ILogger<InstanceDirectory> logger)
{
    public async Task<IReadOnlyList<InstanceView>> ListAsync(string app, string env, CancellationToken ct)
    {
        var byId = new Dictionary<string, InstanceView>(StringComparer.Ordinal);
        foreach (var local in tracker.List(app, env)) byId[local.InstanceId] = local with { Hub = local.Connected };
        IReadOnlyDictionary<string, IReadOnlyList<RegistryEntry>> services;
        try
        {
            services = await registry.ServicesAsync(env, ct);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("etcd did not answer the registry read of {Env}; listing this replica's hub clients only", env);
            services = new Dictionary<string, IReadOnlyList<RegistryEntry>>();
        }
        foreach (var entry in services.Values.SelectMany(e => e).Where(e => BelongsTo(e, app)))
        {
            byId.TryGetValue(entry.InstanceId, out var local);
            // A registration and a presence entry of one instance under different services: the registration wins.
            if (local is { Registered: true, Presence: false } && PresenceMetadata.IsPresence(entry)) continue;
            byId[entry.InstanceId] = FromEntry(entry, local);
        }
        return [.. byId.Values.OrderBy(v => v.InstanceId, StringComparer.Ordinal)];
    }

    private static bool BelongsTo(RegistryEntry entry, string app) =>
        entry.Metadata.TryGetValue(PresenceMetadata.App, out var owner) ? owner == app : entry.Service == app;

    private static InstanceView FromEntry(RegistryEntry entry, InstanceView? local)
    {
        var metadata = entry.Metadata;
        var revisions = new Dictionary<string, long>(entry.ConfigRevisions, StringComparer.Ordinal);
        // The hub may have confirmed a newer revision than the entry carries yet.
        if (local is not null)
        {
            foreach (var (ns, revision) in local.Revisions)
            {
                if (!revisions.TryGetValue(ns, out var known) || known < revision) revisions[ns] = revision;
            }
        }
        return new InstanceView(
            entry.InstanceId,
            local?.Host is { Length: > 0 } host ? host : entry.Address,
            local?.ProcessId ?? (metadata.TryGetValue(PresenceMetadata.ProcessId, out var pid) && int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0),
            local?.ClientVersion ?? metadata.GetValueOrDefault(PresenceMetadata.ClientVersion, ""),
            metadata.GetValueOrDefault(PresenceMetadata.Transport) ?? local?.Transport ?? "registry",
            true,
            local is { Connected: true } ? local.LastSeen : entry.RegisteredAt,
            revisions)
        {
            Hub = local?.Connected ?? false,
            Registered = true,
            Service = entry.Service,
            Presence = PresenceMetadata.IsPresence(entry),
            Health = entry.Health,
            Draining = metadata.TryGetValue(PresenceMetadata.Draining, out var d) && string.Equals(d, "true", StringComparison.OrdinalIgnoreCase),
        };
    }
}

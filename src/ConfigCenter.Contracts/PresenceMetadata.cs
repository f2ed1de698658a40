namespace ConfigCenter.Contracts;

/// <summary>
/// Metadata keys of a presence entry: a <see cref="RegistryEntry"/> a config client (or the server, for a hub client)
/// leaves so the instance shows in the instances view, without being discoverable. Kept in the metadata so older
/// readers of the entry stay compatible.
/// </summary>
public static class PresenceMetadata
{
    /// <summary><c>true</c> on a presence-only entry; discovery skips such entries.</summary>
    public const string Presence = "presence";

    /// <summary>The app whose configuration the instance reads.</summary>
    public const string App = "app";

    /// <summary>The config transports of the instance: <c>etcd</c>, <c>hub</c> or <c>etcd+hub</c>.</summary>
    public const string Transport = "transport";

    /// <summary>The process id of the instance.</summary>
    public const string ProcessId = "pid";

    /// <summary>The version of the ConfigCenter client package.</summary>
    public const string ClientVersion = "clientVersion";

    /// <summary>The server replica that wrote the entry for a hub client (absent when the client wrote it itself).</summary>
    public const string WrittenBy = "writtenBy";

    /// <summary><c>true</c> when an admin (or the instance) took it out of discovery without deregistering it.</summary>
    public const string Draining = "draining";

    /// <summary>True when <paramref name="entry"/> is a presence-only entry.</summary>
    /// <param name="entry">The registry entry.</param>
    /// <returns>Whether discovery must skip it.</returns>
    public static bool IsPresence(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Metadata.TryGetValue(Presence, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
    }
}

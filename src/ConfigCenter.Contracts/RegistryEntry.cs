using System.Text.Json.Serialization;

namespace ConfigCenter.Contracts;

/// <summary>A service instance registered under <c>{prefix}/registry/{env}/{service}/{instanceId}</c> on a lease.</summary>
public sealed record RegistryEntry
{
    /// <summary>The logical service name.</summary>
    public required string Service { get; init; }

    /// <summary>The unique id of this instance.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The host or IP address the instance listens on.</summary>
    public required string Address { get; init; }

    /// <summary>The port the instance listens on.</summary>
    public required int Port { get; init; }

    /// <summary>The URI scheme, http or https.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>passing, warning or critical.</summary>
    public string Health { get; init; } = "passing";

    /// <summary>Free-form metadata such as the version.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When the instance registered.</summary>
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The configuration revision applied per namespace.</summary>
    public IReadOnlyDictionary<string, long> ConfigRevisions { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// The protection threshold (0 to 1) the service's discovery applies: below this share of passing instances it
    /// returns them all. Optional: absent in entries written before it existed and in presence entries.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ProtectionThreshold { get; init; }
}

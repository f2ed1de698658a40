using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Converts stored releases to the wire document (DESIGN.md §4.2).</summary>
internal static class ReleaseMapper
{
    public static ReleaseDocument ToDocument(ReleaseEntity release) => ToDocument(release, ItemsOf(release));

    public static ReleaseDocument ToDocument(ReleaseEntity release, IReadOnlyDictionary<string, string?> items) => new()
    {
        App = release.AppId,
        Environment = release.EnvironmentId,
        Namespace = release.Namespace,
        Revision = release.Revision,
        Generation = release.Generation,
        Format = release.Format.ToWire(),
        PublishedAt = release.PublishedAt,
        PublishedBy = release.PublishedBy,
        Message = release.Message,
        Checksum = release.Checksum,
        Items = items,
        SecretKeys = SecretKeysOf(release),
    };

    /// <summary>The keys whose values are secret envelopes; empty for releases without secrets.</summary>
    public static IReadOnlyList<string> SecretKeysOf(ReleaseEntity release) =>
        string.IsNullOrEmpty(release.SecretKeysJson)
            ? []
            : JsonSerializer.Deserialize(release.SecretKeysJson, ContractsJsonContext.Default.ListString) ?? [];

    /// <summary>The stored form of <see cref="SecretKeysOf"/>: "" when none, so releases without secrets look as they always did.</summary>
    public static string SecretKeysJson(IReadOnlyCollection<string> secretKeys) =>
        secretKeys.Count == 0 ? "" : JsonSerializer.Serialize(secretKeys.Order(StringComparer.Ordinal).ToList(), ContractsJsonContext.Default.ListString);

    /// <summary>The document's wire bytes (as the outbox, etcd and the read endpoint carry them).</summary>
    public static byte[] ToBytes(ReleaseEntity release) =>
        JsonSerializer.SerializeToUtf8Bytes(ToDocument(release), ContractsJsonContext.Wire.ReleaseDocument);

    public static IReadOnlyDictionary<string, string?> ItemsOf(ReleaseEntity release) =>
        JsonSerializer.Deserialize(release.ItemsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];
}

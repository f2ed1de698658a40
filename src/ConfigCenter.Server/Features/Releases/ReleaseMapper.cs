using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Releases;

/// <summary>Converts stored releases to the wire document (DESIGN.md §4.2).</summary>
internal static class ReleaseMapper
{
    public static ReleaseDocument ToDocument(ReleaseEntity release) => new()
    {
        App = release.AppId,
        Environment = release.EnvironmentId,
        Namespace = release.Namespace,
        Revision = release.Revision,
        Format = release.Format,
        PublishedAt = release.PublishedAt,
        PublishedBy = release.PublishedBy,
        Message = release.Message,
        Checksum = release.Checksum,
        Items = ItemsOf(release),
    };

    public static string ToJson(ReleaseEntity release) =>
        JsonSerializer.Serialize(ToDocument(release), ContractsJsonContext.Default.ReleaseDocument);

    public static IReadOnlyDictionary<string, string?> ItemsOf(ReleaseEntity release) =>
        JsonSerializer.Deserialize(release.ItemsJson, ContractsJsonContext.Default.DictionaryStringString) ?? [];

    public static string ItemsJson(IEnumerable<KeyValuePair<string, string?>> items) =>
        System.Text.Encoding.UTF8.GetString(ReleaseChecksum.Canonicalize(items));
}

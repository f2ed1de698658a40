using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Core;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>A release ready to commit: the row, the wire document and its exact bytes.</summary>
internal sealed record BuiltRelease(ReleaseEntity Entity, ReleaseDocument Document, byte[] Bytes);

/// <summary>
/// Turns the items of a publish or rollback into a release. The items are put in canonical order and serialized once;
/// those bytes are both the stored items and the checksum's input, and the document is serialized once into the bytes
/// that the outbox keeps, etcd stores and the read endpoint serves. The size limit is checked on those bytes.
/// </summary>
internal static class ReleaseBuilder
{
    public static BuiltRelease Build(NamespaceEntity ns, string env, long revision, IReadOnlyDictionary<string, string?> items,
        string content, string commentsJson, string? message, string user, DateTimeOffset at, long? rolledBackFrom,
        IReadOnlyCollection<string>? secretKeys = null)
    {
        var sorted = ReleaseChecksum.Sort(items);
        var canonical = ReleaseChecksum.CanonicalizeSorted(sorted);
        var entity = new ReleaseEntity
        {
            AppId = ns.AppId,
            EnvironmentId = env,
            Namespace = ns.Name,
            Revision = revision,
            Generation = ns.Generation,
            Format = ns.Format,
            ItemsJson = System.Text.Encoding.UTF8.GetString(canonical),
            Content = content,
            CommentsJson = commentsJson,
            Message = (message ?? "").Trim(),
            PublishedBy = user,
            PublishedAt = at,
            Checksum = ReleaseChecksum.OfCanonical(canonical),
            RolledBackFrom = rolledBackFrom,
            SecretKeysJson = ReleaseMapper.SecretKeysJson(secretKeys ?? []),
        };
        // The document's items in the caller's order: only the checksum needs the canonical form, and it has it.
        var document = ReleaseMapper.ToDocument(entity, items);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Wire.ReleaseDocument);
        if (bytes.Length > DocumentLimits.MaxReleaseDocumentBytes)
        {
            throw ConfigCenterException.Invalid("items",
                $"The release of {ns.AppId}/{env}/{ns.Name} would be {bytes.Length:N0} bytes in etcd (items, message and metadata); " +
                $"the limit is {DocumentLimits.MaxReleaseDocumentBytes:N0} bytes (1 MiB). Nothing was published.");
        }
        return new BuiltRelease(entity, document, bytes);
    }
}

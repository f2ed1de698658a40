using System.Text.Json;
using ConfigCenter.Contracts;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>Reads release documents from etcd values; a value that is not one is reported, not thrown.</summary>
internal static class ReleaseDocuments
{
    public static ReleaseDocument? TryParse(ReadOnlySpan<byte> json, ILogger logger, string key)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReleaseDocument);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "etcd key {Key} does not hold a release document; ignored", key);
            return null;
        }
    }

    /// <summary>The revision stored in a document, without materializing its items.</summary>
    public static long RevisionOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("revision"u8))
            {
                reader.Read();
                return reader.TryGetInt64(out var revision) ? revision : 0;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1) reader.Skip();
        }
        return 0;
    }
}

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
    public static long RevisionOf(ReadOnlySpan<byte> json) => HeadOf(json).Revision;

    /// <summary>The generation and revision stored in a document, without materializing its items ("", 0 when absent).</summary>
    public static ReleaseHeadInEtcd HeadOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long revision = 0;
        var generation = "";
        var found = 0;
        while (found < 2 && reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("revision"u8))
                {
                    reader.Read();
                    if (!reader.TryGetInt64(out revision)) revision = 0;
                    found++;
                    continue;
                }
                if (reader.ValueTextEquals("generation"u8))
                {
                    reader.Read();
                    generation = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : "";
                    found++;
                    continue;
                }
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1) reader.Skip();
        }
        return new ReleaseHeadInEtcd(generation, revision);
    }
}

/// <summary>Which release an etcd value holds: its generation and revision.</summary>
internal readonly record struct ReleaseHeadInEtcd(string Generation, long Revision);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConfigCenter.Contracts;

/// <summary>
/// One published release of a namespace: the value of its etcd key, the HTTP snapshot body and
/// the hub message. Items are already flat configuration keys.
/// </summary>
public sealed record ReleaseDocument
{
    /// <summary>The document schema version; currently 1.</summary>
    public int Schema { get; init; } = 1;

    /// <summary>The application id.</summary>
    public required string App { get; init; }

    /// <summary>The environment slug.</summary>
    public required string Environment { get; init; }

    /// <summary>The namespace name.</summary>
    public required string Namespace { get; init; }

    /// <summary>The release revision (1, 2, 3 … per app/environment/namespace).</summary>
    public required long Revision { get; init; }

    /// <summary>
    /// The identity of the namespace's release history, created with the namespace: a namespace that is deleted
    /// (with its app) and created again starts a new generation at revision 1. Generations sort ordinally by
    /// creation time (see <see cref="ReleaseOrder"/>); empty in documents written before generations existed.
    /// </summary>
    public string Generation
    {
        get => _generation;
        // The JSON source generator sets init-only members it did not find to null, so absent means "".
        init => _generation = value ?? "";
    }

    private readonly string _generation = "";

    /// <summary>The namespace format: properties, json or yaml.</summary>
    public required string Format { get; init; }

    /// <summary>When the release was published.</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Who published the release.</summary>
    public required string PublishedBy { get; init; }

    /// <summary>The publish message.</summary>
    public string Message
    {
        get => _message;
        init => _message = value ?? "";
    }

    private readonly string _message = "";

    /// <summary><c>sha256:</c> followed by the lowercase hex SHA-256 of the canonical items.</summary>
    public required string Checksum { get; init; }

    /// <summary>The flat configuration items of the release.</summary>
    public required IReadOnlyDictionary<string, string?> Items { get; init; }

    /// <summary>
    /// The item keys whose values are secret envelopes (see <see cref="SecretEnvelope"/>): a reader decrypts them with the
    /// environment's key before they reach configuration. Empty when the release holds no secrets; <see cref="Checksum"/>
    /// covers the items as they are on the wire, envelopes included.
    /// </summary>
    public IReadOnlyList<string> SecretKeys
    {
        get => _secretKeys;
        init => _secretKeys = value ?? [];
    }

    private readonly IReadOnlyList<string> _secretKeys = [];
}

/// <summary>Source-generated JSON metadata for the wire types (camelCase, web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ReleaseDocument))]
[JsonSerializable(typeof(RegistryEntry))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(SortedDictionary<string, string?>))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
public sealed partial class ContractsJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The options for bytes that leave the process (etcd values, HTTP bodies, cache files): like <see cref="Default"/>,
    /// but non-ASCII text is written as UTF-8 instead of <c>\uXXXX</c> escapes, so a document's size is its text's size.
    /// </summary>
    public static ContractsJsonContext Wire { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = MinimalJsonEncoder.Instance,
    });
}

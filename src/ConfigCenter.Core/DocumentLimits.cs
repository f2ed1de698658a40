namespace ConfigCenter.Core;

/// <summary>
/// Size limits that keep one release inside a single etcd value, and bounds on the work one document may
/// cost to parse: a signed-in user must not be able to exhaust the server's stack, CPU or memory with a
/// small hostile document (deep nesting, YAML alias bombs, a long section name repeated by many leaves).
/// </summary>
public static class DocumentLimits
{
    /// <summary>UTF-8 bytes allowed in a document, or in all items of a namespace together.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>
    /// UTF-8 bytes allowed in a release document as written to etcd (items, message and metadata together), measured
    /// on the exact bytes: etcd refuses requests over 1.5 MiB by default, and a transaction carries the key and guard too.
    /// </summary>
    public const int MaxReleaseDocumentBytes = 1024 * 1024;

    /// <summary>Nesting levels of mappings/objects and sequences/arrays (the JSON parser's default, 64).</summary>
    public const int MaxDepth = 64;

    /// <summary>Values, mappings and sequences in a document, counting every YAML alias as the nodes it expands to.</summary>
    public const int MaxNodes = 200_000;

    /// <summary>UTF-8 bytes of all flattened keys and values together (section names repeat in every key below them).</summary>
    public const int MaxFlattenedBytes = 4 * 1024 * 1024;
}

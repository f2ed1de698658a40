namespace ConfigCenter.Core;

/// <summary>Size limits that keep one release inside a single etcd value.</summary>
public static class DocumentLimits
{
    /// <summary>UTF-8 bytes allowed in a document, or in all items of a namespace together.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>
    /// UTF-8 bytes allowed in a release document as written to etcd (items, message and metadata together), measured
    /// on the exact bytes: etcd refuses requests over 1.5 MiB by default, and a transaction carries the key and guard too.
    /// </summary>
    public const int MaxReleaseDocumentBytes = 1024 * 1024;
}

namespace ConfigCenter.Core;

/// <summary>Size limits that keep one release inside a single etcd value.</summary>
public static class DocumentLimits
{
    /// <summary>UTF-8 bytes allowed in a document, or in all items of a namespace together.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;
}

using Google.Protobuf;

namespace ConfigCenter.Etcd;

/// <summary>Key encoding helpers for etcd's byte-string keys.</summary>
public static class EtcdRanges
{
    /// <summary>The UTF-8 bytes of <paramref name="key"/>.</summary>
    public static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The range end that selects every key starting with <paramref name="prefix"/>.</summary>
    public static ByteString PrefixEnd(string prefix) => ByteString.CopyFrom(Contracts.EtcdKeys.PrefixRangeEnd(prefix));
}

using Google.Protobuf;

namespace ConfigCenter.Server.Infrastructure.Etcd;

/// <summary>Key encoding helpers for etcd's byte-string keys.</summary>
internal static class EtcdRanges
{
    public static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The range end that selects every key starting with <paramref name="prefix"/>.</summary>
    public static ByteString PrefixEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        }
        return ByteString.CopyFrom(0);
    }
}

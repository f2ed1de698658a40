using Etcdserverpb;
using Google.Protobuf;

namespace ConfigCenter.Etcd.Tests;

/// <summary>Small reads through the library itself, for assertions about keys and leases.</summary>
internal static class EtcdEndpoints
{
    public static async Task<Mvccpb.KeyValue?> GetAsync(this EtcdConnection connection, string key)
    {
        var response = await connection.CallAsync((invoker, o) => new KV.KVClient(invoker).RangeAsync(
            new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, o).ResponseAsync, CancellationToken.None);
        return response.Kvs.FirstOrDefault();
    }

    public static Task<PutResponse> PutAsync(this EtcdConnection connection, string key, ByteString value) =>
        connection.CallAsync((invoker, o) => new KV.KVClient(invoker).PutAsync(
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = value }, o).ResponseAsync, CancellationToken.None);
}

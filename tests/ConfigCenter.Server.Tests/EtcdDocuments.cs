using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Reads release documents straight from etcd, bypassing the server.</summary>
internal static class EtcdDocuments
{
    public static async Task<ReleaseDocument?> ReadAsync(EtcdCluster cluster, string prefix, string env, string app, string ns)
    {
        var json = await cluster.GetAsync(EtcdKeys.Config(prefix, env, app, ns));
        return json is null ? null : JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReleaseDocument);
    }

    public static async Task<ReleaseDocument> WaitForAsync(EtcdCluster cluster, string prefix, string env, string app, string ns, long revision,
        TimeSpan? timeout = null)
    {
        ReleaseDocument? document = null;
        await WaitFor.ConditionAsync(async () =>
        {
            document = await ReadAsync(cluster, prefix, env, app, ns);
            return document?.Revision == revision;
        }, timeout ?? TimeSpan.FromSeconds(15), $"etcd holds r{revision} of {app}/{env}/{ns} (last seen r{document?.Revision})");
        return document!;
    }
}

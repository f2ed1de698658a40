using ConfigCenter.Client.Registry;
using ConfigCenter.Etcd;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Election;

/// <summary>An <see cref="EtcdElection"/> on the registry's etcd connection, under <c>{prefix}/election/{env}/{name}</c>.</summary>
internal sealed class LeaderElection(RegistryEtcd etcd, string name, TimeSpan ttl, ILogger logger) : ILeaderElection
{
    // Identifies this process as a candidate; visible as the leader's value in etcd.
    private readonly string _candidate = $"{System.Environment.MachineName}-{System.Environment.ProcessId}-{Guid.NewGuid():N}";

    public string Name => name;

    public Task<EtcdOwnership> AcquireAsync(CancellationToken ct)
    {
        var problem = etcd.Problem() ?? ServiceNames.Check(name, "The election name");
        if (problem is not null) throw new InvalidOperationException(problem);
        var election = new EtcdElection(etcd.Connection, $"{etcd.Prefix}/election/{etcd.Environment}/{name}", ttl, logger);
        return election.CampaignAsync(_candidate, ct);
    }
}

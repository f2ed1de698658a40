using ConfigCenter.Etcd;

namespace ConfigCenter.Client;

/// <summary>
/// One named leader election among the instances of a service (etcd key prefix
/// <c>{prefix}/election/{environment}/{name}</c>). Register it with
/// <see cref="ConfigCenterElectionServiceCollectionExtensions.AddConfigCenterLeaderElection"/>.
/// </summary>
public interface ILeaderElection
{
    /// <summary>The election name.</summary>
    string Name { get; }

    /// <summary>
    /// Campaigns and waits until this instance leads. The returned leadership holds while its lease is kept alive;
    /// <see cref="EtcdOwnership.Lost"/> fires when it ends. Guard writes into etcd with
    /// <see cref="EtcdOwnership.IsOwnerCompare"/> (or pass <see cref="EtcdOwnership.FencingToken"/> to the resource);
    /// dispose it to resign.
    /// </summary>
    /// <param name="ct">Withdraws the candidacy when cancelled.</param>
    Task<EtcdOwnership> AcquireAsync(CancellationToken ct);
}

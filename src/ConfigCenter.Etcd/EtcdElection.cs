using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using V3Electionpb;

namespace ConfigCenter.Etcd;

/// <summary>
/// Leader election on etcd's election API. <see cref="CampaignAsync"/> grants a lease (kept alive by an
/// <see cref="EtcdLeaseKeeper"/>; never without one), campaigns with it and returns once this candidate leads. Candidates
/// lead in the order they campaigned; a leader that dies without resigning is replaced when its lease expires (TTL).
/// </summary>
public sealed class EtcdElection
{
    private readonly EtcdConnection _connection;
    private readonly ILogger _logger;

    /// <summary>Creates the election; nothing happens until <see cref="CampaignAsync"/>.</summary>
    /// <param name="connection">The cluster.</param>
    /// <param name="name">The election's key prefix, e.g. <c>/configcenter/election/prod/report-job</c>.</param>
    /// <param name="ttl">The lease TTL (at least 2 s): how long a dead leader keeps leading.</param>
    /// <param name="logger">Where campaigns and losses are logged; the connection's logger when null.</param>
    public EtcdElection(EtcdConnection connection, string name, TimeSpan ttl, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(2));
        _connection = connection;
        Name = name;
        Ttl = ttl;
        _logger = logger ?? connection.Logger;
    }

    /// <summary>The election name (key prefix).</summary>
    public string Name { get; }

    /// <summary>The lease TTL of each campaign.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Campaigns with <paramref name="value"/> (e.g. the instance id) and waits until this candidate leads.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the candidacy is withdrawn.</exception>
    public async Task<EtcdOwnership> CampaignAsync(string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        var keeper = new EtcdLeaseKeeper(_connection, Ttl, _logger);
        try
        {
            keeper.Start();
            var lease = await keeper.WaitForLeaseAsync(ct).ConfigureAwait(false);
            var request = new CampaignRequest { Name = EtcdRanges.Key(Name), Lease = lease, Value = ByteString.CopyFromUtf8(value) };
            // Campaign blocks until this candidate leads: no request deadline, only the caller's token.
            var response = await _connection.CallAsync((invoker, o) => new Election.ElectionClient(invoker)
                .CampaignAsync(request, new CallOptions(o.Headers, null, o.CancellationToken)).ResponseAsync, ct).ConfigureAwait(false);
            var leader = response.Leader;
            var ownership = new EtcdOwnership(_connection, keeper, Name, leader.Key.ToStringUtf8(), leader.Rev,
                c => _connection.CallAsync((invoker, o) => new Election.ElectionClient(invoker)
                    .ResignAsync(new ResignRequest { Leader = leader }, o).ResponseAsync, c), _logger);
            ownership.Start();
            _logger.LogInformation("Leading {Name} (key {Key}, fencing token {Token})", Name, ownership.Key, ownership.FencingToken);
            return ownership;
        }
        catch
        {
            // Revoking the lease withdraws the candidacy (its key goes with it).
            await keeper.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The current leader's value, or null when nobody leads.</summary>
    public async Task<string?> LeaderAsync(CancellationToken ct)
    {
        try
        {
            var response = await _connection.CallAsync((invoker, o) => new Election.ElectionClient(invoker)
                .LeaderAsync(new LeaderRequest { Name = EtcdRanges.Key(Name) }, o).ResponseAsync, ct).ConfigureAwait(false);
            return response.Kv?.Value.ToStringUtf8();
        }
        catch (RpcException e) when (e.Status.Detail?.Contains("no leader", StringComparison.OrdinalIgnoreCase) == true
                                     && e.StatusCode != StatusCode.Unavailable)
        {
            // etcd answers "election: no leader" when nobody campaigns.
            return null;
        }
    }
}

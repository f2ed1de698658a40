using ConfigCenter.Etcd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client;

/// <summary>
/// A background service whose work runs only on the instance that leads its election: it campaigns, runs
/// <see cref="ExecuteAsLeaderAsync"/> while it leads, cancels that work when leadership is lost, and campaigns again.
/// Stopping the host resigns at once, so another instance takes over without waiting for the lease TTL.
/// </summary>
public abstract class LeaderBackgroundService : BackgroundService
{
    private readonly ILeaderElection _election;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="election">The election to lead (see <see cref="ConfigCenterElectionServiceCollectionExtensions.AddConfigCenterLeaderElection"/>).</param>
    /// <param name="logger">Where leadership changes are logged.</param>
    protected LeaderBackgroundService(ILeaderElection election, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(logger);
        _election = election;
        _logger = logger;
    }

    /// <summary>How long to wait before campaigning again after a failure (etcd unreachable, work failed).</summary>
    protected virtual TimeSpan RetryDelay => TimeSpan.FromSeconds(1);

    /// <summary>
    /// The leader's work. <paramref name="ct"/> is cancelled when leadership is lost or the host stops; returning ends
    /// this term (leadership is given up and the service campaigns again).
    /// </summary>
    /// <param name="leadership">The leadership: its fencing token and transaction guard protect writes.</param>
    /// <param name="ct">Cancelled when leadership is lost or the host stops.</param>
    protected abstract Task ExecuteAsLeaderAsync(EtcdOwnership leadership, CancellationToken ct);

    /// <inheritdoc />
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leadership = await _election.AcquireAsync(stoppingToken).ConfigureAwait(false);
                _logger.LogInformation("Leading {Election} (fencing token {Token})", _election.Name, leadership.FencingToken);
                using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership.Lost);
                try
                {
                    await ExecuteAsLeaderAsync(leadership, term.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (term.IsCancellationRequested)
                {
                    // Leadership lost or host stopping: the work was cancelled as it should be.
                }
                if (leadership.Lost.IsCancellationRequested)
                {
                    _logger.LogWarning("Lost leadership of {Election} ({Reason}); campaigning again", _election.Name, leadership.LostReason);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Leader work for {Election} failed; campaigning again in {Delay} ms", _election.Name, (int)RetryDelay.TotalMilliseconds);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

using System.Threading.Channels;
using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Delivery;
using Microsoft.AspNetCore.SignalR;

namespace ConfigCenter.Server.Features.ConfigHub;

/// <summary>
/// Forwards every newer release the <see cref="ReleaseCache"/> announces to the hub group of its namespace. In
/// etcd mode the cache is fed by this server's etcd watch (etcd is the backplane between replicas); standalone,
/// straight from the publish. Sends run on one background loop, in announcement order, so a publish request never
/// waits for the fan-out to every subscribed connection.
/// </summary>
internal sealed class ReleaseBroadcaster(ReleaseCache cache, IHubContext<ConfigHub, IConfigHubClient> hub, ILogger<ReleaseBroadcaster> logger) : BackgroundService
{
    private readonly Channel<ReleaseDocument> _pending = Channel.CreateUnbounded<ReleaseDocument>(new UnboundedChannelOptions { SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Published += OnPublished;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        cache.Published -= OnPublished;
        await base.StopAsync(cancellationToken);
    }

    private void OnPublished(ReleaseDocument document) => _pending.Writer.TryWrite(document);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var document in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await hub.Clients.Group(ConfigHub.GroupName(document.Environment, document.App, document.Namespace)).ReleasePublished(document);
            }
            catch (Exception e)
            {
                // Clients re-subscribe with their known revisions after any reconnect, so a failed push is caught up then.
                logger.LogWarning(e, "Could not push {App}/{Env}/{Namespace} r{Revision} to subscribed clients",
                    document.App, document.Environment, document.Namespace, document.Revision);
            }
        }
    }
}

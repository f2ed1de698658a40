using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.Delivery;
using Microsoft.AspNetCore.SignalR;

namespace ConfigCenter.Server.Features.ConfigHub;

/// <summary>
/// Forwards every newer release the <see cref="ReleaseCache"/> announces to the hub group of its namespace. In
/// etcd mode the cache is fed by this server's etcd watch (etcd is the backplane between replicas); standalone,
/// straight from the publish.
/// </summary>
internal sealed class ReleaseBroadcaster(ReleaseCache cache, IHubContext<ConfigHub, IConfigHubClient> hub, ILogger<ReleaseBroadcaster> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Published += OnPublished;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cache.Published -= OnPublished;
        return Task.CompletedTask;
    }

    // The cache raises the event on the publishing thread; sending must not hold that up.
    private void OnPublished(ReleaseDocument document) => _ = SendAsync(document);

    private async Task SendAsync(ReleaseDocument document)
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

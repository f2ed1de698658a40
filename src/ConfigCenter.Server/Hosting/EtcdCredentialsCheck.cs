using ConfigCenter.Contracts;
using ConfigCenter.Etcd;
using ConfigCenter.Server.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// With an etcd user configured, signs in once at start-up and reads the key prefix: wrong credentials, or a user whose
/// role may not read the prefix, stop the server with a message naming the setting to fix, instead of a relay and a watch
/// that fail forever. etcd being unreachable does not stop the start (releases wait in the outbox); it is logged.
/// </summary>
internal sealed class EtcdCredentialsCheck(IOptions<ConfigCenterServerOptions> options, EtcdConnection etcd, ILogger<EtcdCredentialsCheck> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Etcd;
        if (options.Value.Standalone || string.IsNullOrEmpty(settings.Username)) return;
        var prefix = EtcdKeys.NormalizePrefix(settings.Prefix) + "/";
        // One attempt per endpoint at most; an unreachable cluster must not hold the start up for long.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(settings.RequestTimeout * (settings.Endpoints.Length + 1));
        try
        {
            await etcd.CountPrefixAsync(prefix, bounded.Token).ConfigureAwait(false);
        }
        catch (RpcException e) when (EtcdErrors.IsAuthenticationFailed(e))
        {
            throw new InvalidOperationException(
                $"etcd refused the user '{settings.Username}' ({e.Status.Detail}): check ConfigCenter:Etcd:Username and ConfigCenter:Etcd:Password " +
                "(etcdctl user get <name>), or remove them when etcd runs without authentication.", e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            throw new InvalidOperationException(
                $"etcd user '{settings.Username}' may not read the key prefix {prefix} ({e.Status.Detail}): grant its role readwrite on it " +
                $"(etcdctl role grant-permission <role> --prefix=true readwrite {prefix}), or set ConfigCenter:Etcd:Prefix to a prefix it may use.", e);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is OperationCanceledException || EtcdErrors.IsUnreachable(e)))
        {
            logger.LogWarning("etcd could not be reached at start-up to check the credentials of user {User} ({Error}); starting anyway, releases wait in the outbox",
                settings.Username, e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

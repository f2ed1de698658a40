using ConfigCenter.Contracts;
using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Instances;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ConfigCenter.Server.Features.ConfigHub;

/// <summary>
/// <c>/hubs/config</c>: clients holding an API key subscribe to namespaces of their app and environment, get every
/// document newer than what they know, then receive each new release as it is published (see
/// <see cref="ReleaseBroadcaster"/>), and report back which revision they applied.
/// </summary>
[Authorize(Policy = AuthConstants.ClientPolicy)]
internal sealed class ConfigHub(ReleaseCache cache, InstanceTracker tracker, ApiKeyStore keys, ApiKeyConnections connections,
    Telemetry.ServerMetrics metrics, ILogger<ConfigHub> logger)
    : Hub<IConfigHubClient>, IConfigHub
{
    public const string Transport = "signalr";
    private const int MaxNamespaces = 100;
    private static readonly object SubscriptionKey = new();

    public async Task<IReadOnlyList<ReleaseDocument>> Subscribe(string app, string env, IReadOnlyList<string> namespaces,
        IReadOnlyDictionary<string, long> knownRevisions, ClientInstanceInfo instance)
    {
        var user = Context.User;
        if (user is null || !user.HasClaim(AuthConstants.AppClaim, app) || !user.HasClaim(AuthConstants.EnvClaim, env))
        {
            throw new HubException($"This API key may not read {app} in {env}.");
        }
        if (namespaces.Count is 0 or > MaxNamespaces) throw new HubException($"Subscribe to between 1 and {MaxNamespaces} namespaces.");
        if (string.IsNullOrWhiteSpace(instance.InstanceId)) throw new HubException("The instance id is required.");

        // Join first, then read the cache: a release published in between arrives twice at worst, and clients
        // drop revisions they already applied.
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(env, app, ns), Context.ConnectionAborted);
        }
        Context.Items[SubscriptionKey] = new Subscription(app, env, instance.InstanceId);
        tracker.Connected(app, env, instance, Transport);
        logger.LogInformation("Instance {InstanceId} subscribed to {App}/{Env} [{Namespaces}]", instance.InstanceId, app, env, string.Join(", ", namespaces));

        var newer = new List<ReleaseDocument>();
        foreach (var ns in namespaces)
        {
            if (cache.Get(env, app, ns) is not { } current) continue;
            // A client that knows no generation (an older client) compares revisions only, as before generations.
            var knownGeneration = instance.KnownGenerations?.GetValueOrDefault(ns) ?? current.Document.Generation;
            if (ReleaseOrder.IsNewer(current.Document.Generation, current.Document.Revision, knownGeneration, knownRevisions.GetValueOrDefault(ns)))
                newer.Add(current.Document);
        }
        return newer;
    }

    public Task Applied(string ns, long revision)
    {
        if (Context.Items.TryGetValue(SubscriptionKey, out var value) && value is Subscription s) tracker.Applied(s.App, s.Env, s.InstanceId, ns, revision);
        return Task.CompletedTask;
    }

    public override Task OnConnectedAsync()
    {
        metrics.HubConnected();
        if (KeyId() is { } id)
        {
            connections.Add(id, Context);
            // Revoked between authentication and registration: the revoke found nothing to abort, so abort here.
            if (!keys.IsLive(id)) Context.Abort();
        }
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.HubDisconnected();
        if (KeyId() is { } id) connections.Remove(id, Context.ConnectionId);
        if (Context.Items.TryGetValue(SubscriptionKey, out var value) && value is Subscription s) tracker.Disconnected(s.App, s.Env, s.InstanceId);
        return base.OnDisconnectedAsync(exception);
    }

    private int? KeyId() =>
        int.TryParse(Context.User?.FindFirst(AuthConstants.KeyIdClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id : null;

    public static string GroupName(string env, string app, string ns) => $"{env}/{app}/{ns}";

    private sealed record Subscription(string App, string Env, string InstanceId);
}

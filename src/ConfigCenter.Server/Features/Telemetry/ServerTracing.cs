using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Telemetry;

/// <summary>
/// The server's spans (<c>ConfigCenter.Server</c> activity source): <c>release.publish</c> when a release commits,
/// <c>outbox.relay</c> when the relay delivers it, <c>etcd.txn</c> for the etcd transaction. The relay runs later in
/// another task, so the publish span's W3C trace context is stored on the outbox row and the relay continues that trace.
/// </summary>
internal static class ServerTracing
{
    public const string SourceName = "ConfigCenter.Server";
    public const string App = "configcenter.app";
    public const string Environment = "configcenter.environment";
    public const string Namespace = "configcenter.namespace";
    public const string Revision = "configcenter.revision";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartPublish(string name, string app, string env, string ns)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag(App, app).SetTag(Environment, env).SetTag(Namespace, ns);
        return activity;
    }

    /// <summary>The current span's context in W3C form, to store on an outbox row; null when no span is recorded.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the relay span of a batch: a child of the first row's publish span (so a one-row batch is one trace from
    /// publish to etcd), linked to the publish span of every other row.
    /// </summary>
    public static Activity? StartRelay(string prefix, IReadOnlyList<OutboxEntity> batch)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext parent = default;
        var links = new List<ActivityLink>();
        foreach (var row in batch)
        {
            if (row.TraceParent is null || !ActivityContext.TryParse(row.TraceParent, null, isRemote: true, out var context)) continue;
            if (parent == default) parent = context;
            else links.Add(new ActivityLink(context));
        }
        var activity = Source.StartActivity("outbox.relay", ActivityKind.Consumer, parent, links: links);
        if (activity is null) return null;
        activity.SetTag("configcenter.outbox.rows", batch.Count);
        var first = batch[0];
        if (EtcdKeys.TryParseConfig(prefix, first.EtcdKey, out var env, out var app, out var ns))
        {
            activity.SetTag(App, app).SetTag(Environment, env).SetTag(Namespace, ns);
        }
        activity.SetTag(Revision, first.Revision);
        return activity;
    }

    public static Activity? StartEtcd(string operation, int keys)
    {
        var activity = Source.StartActivity("etcd.txn", ActivityKind.Client);
        activity?.SetTag("db.system.name", "etcd").SetTag("db.operation.name", operation).SetTag("configcenter.etcd.keys", keys);
        return activity;
    }
}

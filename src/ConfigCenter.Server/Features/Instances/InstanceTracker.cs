using System.Collections.Concurrent;
using ConfigCenter.Contracts;

namespace ConfigCenter.Server.Features.Instances;

/// <summary>
/// Confirmed delivery: which client instance applied which revision of each namespace, as reported over
/// the hub. Kept in memory per server; an instance reconnecting to another replica reports again.
/// </summary>
public sealed class InstanceTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string App, string Env, string InstanceId), InstanceState> _instances = new();

    /// <summary>How many tracked instances are connected now (the hub's subscribed instances, for the metrics).</summary>
    public int ConnectedCount => _instances.Values.Count(s => s.Connected);

    /// <summary>Raised with (app, env) whenever an instance connects, applies a revision or leaves.</summary>
    public event Action<string, string>? Changed;

    /// <summary>Raised with (app, env, instance id) whenever that instance connects, applies a revision or leaves.</summary>
    public event Action<string, string, string>? InstanceChanged;

    public void Connected(string app, string env, ClientInstanceInfo info, string transport)
    {
        var state = _instances.GetOrAdd((app, env, info.InstanceId), _ => new InstanceState(info));
        lock (state)
        {
            state.Info = info;
            state.Transport = transport;
            state.Connected = true;
            state.LastSeen = time.GetUtcNow();
        }
        Raise(app, env, info.InstanceId);
    }

    public void Applied(string app, string env, string instanceId, string ns, long revision)
    {
        if (!_instances.TryGetValue((app, env, instanceId), out var state)) return;
        lock (state)
        {
            if (!state.Revisions.TryGetValue(ns, out var known) || known < revision) state.Revisions[ns] = revision;
            state.LastSeen = time.GetUtcNow();
        }
        Raise(app, env, instanceId);
    }

    public void Disconnected(string app, string env, string instanceId)
    {
        if (!_instances.TryGetValue((app, env, instanceId), out var state)) return;
        lock (state)
        {
            state.Connected = false;
            state.LastSeen = time.GetUtcNow();
        }
        Raise(app, env, instanceId);
    }

    private void Raise(string app, string env, string instanceId)
    {
        InstanceChanged?.Invoke(app, env, instanceId);
        Changed?.Invoke(app, env);
    }

    /// <summary>One tracked instance with what it reported at subscribe, or null when it was never tracked.</summary>
    public (InstanceView View, ClientInstanceInfo Info)? Find(string app, string env, string instanceId) =>
        _instances.TryGetValue((app, env, instanceId), out var state) ? (state.ToView(), state.Info) : null;

    public IReadOnlyList<InstanceView> List(string app, string env) =>
        [.. _instances.Where(p => p.Key.App == app && p.Key.Env == env).Select(p => p.Value.ToView()).OrderBy(v => v.InstanceId, StringComparer.Ordinal)];

    /// <summary>Every tracked instance of an app and environment with what it reported at subscribe.</summary>
    public IReadOnlyList<(InstanceView View, ClientInstanceInfo Info)> Tracked(string app, string env) =>
        [.. _instances.Where(p => p.Key.App == app && p.Key.Env == env).Select(p => (p.Value.ToView(), p.Value.Info))];

    public int Count(bool connectedOnly = true) => _instances.Values.Count(s => !connectedOnly || s.Connected);

    /// <summary>Connected instances of the apps <paramref name="includeApp"/> accepts (the dashboard counts only apps its user sees).</summary>
    public int Count(Func<string, bool> includeApp) => _instances.Count(p => p.Value.Connected && includeApp(p.Key.App));

    private sealed class InstanceState(ClientInstanceInfo info)
    {
        public ClientInstanceInfo Info { get; set; } = info;
        public string Transport { get; set; } = "";
        public bool Connected { get; set; }
        public DateTimeOffset LastSeen { get; set; }
        public Dictionary<string, long> Revisions { get; } = new(StringComparer.Ordinal);

        public InstanceView ToView()
        {
            lock (this)
            {
                return new InstanceView(Info.InstanceId, Info.Host, Info.ProcessId, Info.ClientVersion, Transport, Connected, LastSeen,
                    new Dictionary<string, long>(Revisions, StringComparer.Ordinal));
            }
        }
    }
}

/// <summary>One client instance and the revision it applied per namespace.</summary>
public sealed record InstanceView(
    string InstanceId,
    string Host,
    int ProcessId,
    string ClientVersion,
    string Transport,
    bool Connected,
    DateTimeOffset LastSeen,
    IReadOnlyDictionary<string, long> Revisions)
{
    /// <summary>True when the instance is connected to the hub of the replica that answers.</summary>
    public bool Hub { get; init; }

    /// <summary>True when the instance is in the registry (its own presence or registration, or a replica's for it).</summary>
    public bool Registered { get; init; }

    /// <summary>The registered service name; null when the instance is only known from this replica's hub.</summary>
    public string? Service { get; init; }

    /// <summary>True for a presence-only entry (not discoverable), false for a full registration.</summary>
    public bool Presence { get; init; }

    /// <summary>The registered health: passing, warning or critical.</summary>
    public string? Health { get; init; }

    /// <summary>True when an admin or the instance took it out of discovery.</summary>
    public bool Draining { get; init; }
}

using System.Collections.Concurrent;
using Mvccpb;

namespace ConfigCenter.Etcd.Tests;

/// <summary>Records what a watch hands over, in order, for assertions.</summary>
internal sealed class RecordingHandler : IEtcdWatchHandler
{
    private readonly object _gate = new();
    private readonly List<(string Key, string? Value, long Revision)> _events = [];
    private readonly List<(Dictionary<string, string> Keys, long Revision)> _snapshots = [];

    /// <summary>When set, OnEvents blocks until it is set (a slow consumer).</summary>
    public ManualResetEventSlim? Gate { get; set; }

    public ConcurrentQueue<string> Connected { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public string? LastEndpoint => Connected.LastOrDefault();

    /// <summary>Every event so far: key, value (null for a delete), mod revision.</summary>
    public IReadOnlyList<(string Key, string? Value, long Revision)> Events
    {
        get
        {
            lock (_gate) return [.. _events];
        }
    }

    public IReadOnlyList<(Dictionary<string, string> Keys, long Revision)> Snapshots
    {
        get
        {
            lock (_gate) return [.. _snapshots];
        }
    }

    public void OnSnapshot(IReadOnlyList<KeyValue> kvs, long revision)
    {
        lock (_gate) _snapshots.Add((kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => kv.Value.ToStringUtf8()), revision));
    }

    public void OnEvents(IReadOnlyList<Event> events)
    {
        Gate?.Wait();
        lock (_gate)
        {
            foreach (var e in events)
            {
                _events.Add((e.Kv.Key.ToStringUtf8(), e.Type == Event.Types.EventType.Put ? e.Kv.Value.ToStringUtf8() : null, e.Kv.ModRevision));
            }
        }
    }

    public void OnConnected(string endpoint) => Connected.Enqueue(endpoint);

    public void OnDisconnected(string endpoint, string reason) => Errors.Enqueue($"{endpoint}: {reason}");
}

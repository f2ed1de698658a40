using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>
/// The open hub connections of each client API key. A key is checked once, when its connection opens, so
/// without this a revoked key (or the key of a deleted app) would keep receiving releases on a WebSocket
/// that stays open for days. Revoking aborts them; the client's reconnect then fails authentication.
/// </summary>
public sealed class ApiKeyConnections
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, HubCallerContext>> _byKey = new();

    public void Add(int keyId, HubCallerContext connection) =>
        _byKey.GetOrAdd(keyId, _ => new ConcurrentDictionary<string, HubCallerContext>(StringComparer.Ordinal))[connection.ConnectionId] = connection;

    public void Remove(int keyId, string connectionId)
    {
        if (_byKey.TryGetValue(keyId, out var connections)) connections.TryRemove(connectionId, out _);
    }

    /// <summary>Closes every open connection of the key.</summary>
    public void Abort(int keyId)
    {
        if (!_byKey.TryRemove(keyId, out var connections)) return;
        foreach (var connection in connections.Values) connection.Abort();
    }
}

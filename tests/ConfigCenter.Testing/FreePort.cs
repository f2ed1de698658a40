using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConfigCenter.Testing;

/// <summary>Hands out loopback TCP ports that were free a moment ago.</summary>
/// <remarks>
/// A port is found by binding a listener on port 0 and releasing it, so another process can
/// still take it before the caller binds: callers retry on "address already in use"
/// (<see cref="EtcdCluster.StartAsync"/> does). Within this process a port is never handed out twice.
/// </remarks>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> Issued = new();

    /// <summary>Returns a loopback port that is currently free and was not returned before by this process.</summary>
    public static int Get()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            int port;
            try
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            finally
            {
                listener.Stop();
            }

            if (Issued.TryAdd(port, 0))
            {
                return port;
            }
        }

        throw new InvalidOperationException("Could not find a free loopback TCP port.");
    }

    /// <summary>Returns <paramref name="count"/> distinct free loopback ports.</summary>
    public static int[] Get(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ports = new int[count];
        for (var i = 0; i < count; i++)
        {
            ports[i] = Get();
        }

        return ports;
    }
}

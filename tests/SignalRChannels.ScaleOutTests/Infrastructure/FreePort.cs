using System.Net;
using System.Net.Sockets;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>Loopback ports for processes that cannot report the port they bound (nginx, redis-server).</summary>
public static class FreePort
{
    /// <summary>A port nothing listens on right now (the OS picks it; the caller binds it next).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts TCP connections on the loopback port.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

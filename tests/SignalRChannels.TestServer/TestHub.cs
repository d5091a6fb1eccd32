using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.TestServer;

/// <summary>
/// The hub the tests connect to: the channel protocol from <see cref="ChannelHub"/>, plus a registry of live
/// connections so <c>POST /abort/{connectionId}</c> can drop one from the server side.
/// </summary>
public sealed class TestHub : ChannelHub
{
    private static readonly ConcurrentDictionary<string, HubCallerContext> Connections = new(StringComparer.Ordinal);

    /// <summary>The name of this node (the <c>--node-name</c> argument, else the process id).</summary>
    public static string NodeName { get; set; } = string.Empty;

    /// <summary>Which node this connection is on (through a load balancer).</summary>
    public string Node() => NodeName;

    /// <summary>Aborts a connection of this node; false when it is not (or no longer) connected here.</summary>
    public static bool TryAbort(string connectionId)
    {
        if (!Connections.TryGetValue(connectionId, out var context))
        {
            return false;
        }

        context.Abort();
        return true;
    }

    /// <summary>Publishes from inside the hub, as an app method would.</summary>
    public Task Publish(string channel, string eventName, object? data) =>
        Channels.Channel(channel).PublishAsync(eventName, data, Context.ConnectionAborted);

    public override Task OnConnectedAsync()
    {
        Connections[Context.ConnectionId] = Context;
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Connections.TryRemove(Context.ConnectionId, out _);
        return base.OnDisconnectedAsync(exception);
    }
}

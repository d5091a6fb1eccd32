using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>The live connections of a test node, so a test can kill one from the server side.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    internal void Add(HubCallerContext context) => _connections[context.ConnectionId] = context;

    internal void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Aborts a connection as a network failure would: the client sees it closed.</summary>
    public void Abort(string connectionId)
    {
        Assert.True(_connections.TryGetValue(connectionId, out var context), $"connection {connectionId} is not on this node");
        context!.Abort();
    }
}

/// <summary>The app hub of the test nodes: the channel protocol plus one app method that publishes.</summary>
public sealed class ClientTestHub(ConnectionRegistry registry) : ChannelHub
{
    public Task Publish(string channel, string eventName, object? data) =>
        Channels.PublishAsync(channel, eventName, data, cancellationToken: Context.ConnectionAborted);

    public string WhoAmI() => Context.UserIdentifier ?? "anonymous";

    public override Task OnConnectedAsync()
    {
        registry.Add(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        registry.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

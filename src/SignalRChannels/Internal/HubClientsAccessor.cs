using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Internal;

/// <summary>
/// Holds the clients of the hub mapped with <c>MapChannelHub</c>, so publishes from outside a hub reach it.
/// </summary>
internal sealed class HubClientsAccessor
{
    private IHubClients? _clients;
    private IGroupManager? _groups;
    private Type? _hubType;
    private int _statefulReconnectConnections;

    public IHubClients Clients => _clients
        ?? throw new InvalidOperationException("No channel hub is mapped. Call app.MapChannelHub<THub>(path) before publishing.");

    public IGroupManager Groups => _groups
        ?? throw new InvalidOperationException("No channel hub is mapped. Call app.MapChannelHub<THub>(path) first.");

    public bool IsMapped => _clients is not null;

    /// <summary>The hub type mapped with <c>MapChannelHub</c>, or null before.</summary>
    public Type? HubType => _hubType;

    /// <summary>
    /// Whether a send is complete only once SignalR has written it to this node's connections (its default, in-process
    /// lifetime manager), as opposed to once it has been handed to a backplane (Redis) that delivers it later from its
    /// own subscription: waiting for such a send adds a round trip but no back-pressure from subscribers.
    /// </summary>
    public bool SendsAreInProcess { get; private set; } = true;

    /// <summary>
    /// Whether a channel's events may go to SignalR as one batch (<see cref="EventBatch"/>): SignalR writes to this node's
    /// connections itself, and none of them uses stateful reconnect, whose message buffer would number a batch's write as
    /// one message while the client counts each event.
    /// </summary>
    public bool SendsMayBatch => SendsAreInProcess && Volatile.Read(ref _statefulReconnectConnections) == 0;

    /// <summary>Counts a channel connection that uses stateful reconnect, before it can join any group.</summary>
    public void StatefulReconnectConnected() => Interlocked.Increment(ref _statefulReconnectConnections);

    /// <summary>Counts such a connection out once it is gone.</summary>
    public void StatefulReconnectDisconnected() => Interlocked.Decrement(ref _statefulReconnectConnections);

    /// <summary>Takes the clients and groups of <typeparamref name="THub"/>'s context, and which lifetime manager sends for it.</summary>
    public void Set<THub>(IServiceProvider services)
        where THub : Hub
    {
        var hubContext = services.GetRequiredService<IHubContext<THub>>();
        Set(typeof(THub), hubContext.Clients, hubContext.Groups);
        SendsAreInProcess = services.GetRequiredService<HubLifetimeManager<THub>>() is DefaultHubLifetimeManager<THub>;
    }

    public void Set(Type hubType, IHubClients clients, IGroupManager groups)
    {
        if (_hubType is not null && _hubType != hubType)
        {
            throw new InvalidOperationException(
                $"Channel hub '{_hubType.Name}' is already mapped; one application serves channels from one hub type.");
        }

        _hubType = hubType;
        _clients = clients;
        _groups = groups;
    }
}

namespace SignalRChannels;

/// <summary>One live channel connection, as <see cref="IChannelsQuery.GetUserConnectionsAsync"/> lists it.</summary>
public sealed record ChannelsConnectionInfo
{
    /// <summary>The connection id (the socket id that <c>toOthers</c> takes).</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The user identifier, or null for an anonymous connection.</summary>
    public string? UserId { get; init; }

    /// <summary>The node that holds the connection (<see cref="PresenceOptions.NodeId"/>).</summary>
    public required string NodeId { get; init; }

    /// <summary>When the connection was registered, by the node's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset ConnectedAt { get; init; }

    /// <summary>The transport: <c>websockets</c>, <c>serversentevents</c> or <c>longpolling</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>The wire protocol: <c>json</c> or <c>messagepack</c> (SignalR hub protocols, by their transfer format) or <c>pusher</c> (the Pusher endpoint); null when the node could not tell.</summary>
    public string? Protocol { get; init; }
}

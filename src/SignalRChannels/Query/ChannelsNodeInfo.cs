namespace SignalRChannels;

/// <summary>One live node of the cluster, as <see cref="IChannelsQuery.GetNodesAsync"/> lists it.</summary>
public sealed record ChannelsNodeInfo
{
    /// <summary>The node id (<see cref="PresenceOptions.NodeId"/>).</summary>
    public required string NodeId { get; init; }

    /// <summary>The channel connections the node holds.</summary>
    public required long Connections { get; init; }

    /// <summary>When the node last renewed its lease; the time of the query for the in-memory default.</summary>
    public required DateTimeOffset LeaseRenewedAt { get; init; }
}

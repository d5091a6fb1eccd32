namespace SignalRChannels.Query;

/// <summary>
/// One change of a node's occupancy, in the order the node made it: a connection arrived (<see cref="Connection"/>
/// set, <see cref="Delta"/> +1), left (<see cref="Connection"/> set, -1), or a channel's subscriptions changed
/// (<see cref="Channel"/> set).
/// </summary>
internal readonly record struct OccupancyChange(ChannelsConnectionInfo? Connection, ChannelName? Channel, int Delta)
{
    public static OccupancyChange Connected(ChannelsConnectionInfo connection) => new(connection, null, 1);

    public static OccupancyChange Disconnected(ChannelsConnectionInfo connection) => new(connection, null, -1);

    public static OccupancyChange Subscriptions(ChannelName channel, int delta) => new(null, channel, delta);
}

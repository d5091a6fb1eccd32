namespace SignalRChannels.Query;

/// <summary>Everything a node holds at one instant, to rewrite its stored counts from (after a failure or a sweep).</summary>
internal sealed record OccupancySnapshot(
    long Connections,
    KeyValuePair<ChannelName, long>[] Channels,
    KeyValuePair<string, ChannelsConnectionInfo[]>[] Users);

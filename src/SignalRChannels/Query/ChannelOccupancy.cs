namespace SignalRChannels;

/// <summary>How occupied a channel is, cluster-wide (<see cref="IChannelsQuery"/>).</summary>
public sealed record ChannelOccupancy
{
    /// <summary>The channel's full name, kind prefix included (<c>presence-chat.1</c>).</summary>
    public required string Channel { get; init; }

    /// <summary>The number of subscriptions (connections subscribed to the channel), on every node.</summary>
    public required long SubscriptionCount { get; init; }

    /// <summary>Whether the channel has at least one subscription.</summary>
    public bool Occupied => SubscriptionCount > 0;

    /// <summary>The number of distinct presence members, for a presence channel when it was asked for; otherwise null.</summary>
    public int? UserCount { get; init; }
}

namespace SignalRChannels.Internal;

/// <summary>The services a <see cref="ChannelHub"/> instance needs, handed to it by <see cref="ChannelHubFilter"/>.</summary>
internal sealed class ChannelHubServices(ChannelSubscriptions subscriptions, IChannelBroadcaster broadcaster)
{
    public ChannelSubscriptions Subscriptions { get; } = subscriptions;

    public IChannelBroadcaster Broadcaster { get; } = broadcaster;
}

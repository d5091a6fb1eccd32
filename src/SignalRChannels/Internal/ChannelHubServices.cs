using SignalRChannels.Heartbeat;
using SignalRChannels.Pipeline;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Internal;

/// <summary>The engine a <see cref="ChannelHub"/> instance forwards to, handed to it by <see cref="ChannelHubFilter"/>.</summary>
internal sealed class ChannelHubServices(
    SubscriptionService subscriptions,
    ChannelQueries queries,
    WhisperRelay whispers,
    ConnectionHeartbeat heartbeat,
    IChannelBroadcaster broadcaster)
{
    public SubscriptionService Subscriptions { get; } = subscriptions;

    public ChannelQueries Queries { get; } = queries;

    public WhisperRelay Whispers { get; } = whispers;

    public ConnectionHeartbeat Heartbeat { get; } = heartbeat;

    public IChannelBroadcaster Broadcaster { get; } = broadcaster;
}

using SignalRChannels.Internal;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// The one place the engine joins and leaves the SignalR group of a channel (or of a channel and event filter),
/// through the mapped hub's group manager (SignalR's lifetime manager, so the Redis backplane when scaled out).
/// </summary>
internal sealed class ChannelGroupMembership(HubClientsAccessor hubs)
{
    public Task AddAsync(string connectionId, ChannelName channel, EventFilter? filter, CancellationToken cancellationToken) =>
        hubs.Groups.AddToGroupAsync(connectionId, ChannelGroups.For(channel, filter), cancellationToken);

    public Task RemoveAsync(string connectionId, ChannelName channel, EventFilter? filter) =>
        hubs.Groups.RemoveFromGroupAsync(connectionId, ChannelGroups.For(channel, filter), CancellationToken.None);
}

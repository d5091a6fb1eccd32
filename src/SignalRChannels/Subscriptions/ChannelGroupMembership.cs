using SignalRChannels.Internal;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// The one place the engine joins and leaves the SignalR group of a channel, through the mapped hub's group
/// manager (SignalR's lifetime manager, so the Redis backplane when scaled out).
/// </summary>
internal sealed class ChannelGroupMembership(HubClientsAccessor hubs)
{
    public Task AddAsync(string connectionId, ChannelName channel, CancellationToken cancellationToken) =>
        hubs.Groups.AddToGroupAsync(connectionId, ChannelGroups.For(channel), cancellationToken);

    public Task RemoveAsync(string connectionId, ChannelName channel) =>
        hubs.Groups.RemoveFromGroupAsync(connectionId, ChannelGroups.For(channel), CancellationToken.None);
}

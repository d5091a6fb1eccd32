using Microsoft.Extensions.Logging;
using SignalRChannels.Internal;
using SignalRChannels.Presence;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// What follows removing a subscription from a connection's set, whoever removed it (the client, a failed
/// re-authorization, a revocation): leave the channel's group, count it (metrics and the node's occupancy), and leave presence.
/// </summary>
internal sealed class SubscriptionTeardown(
    ChannelGroupMembership groups,
    Pipeline.FilterInterest filters,
    PresenceTracker presence,
    Query.NodeOccupancy occupancy,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<SubscriptionTeardown> logger)
{
    public async Task EndAsync(string connectionId, ChannelName channel, PresenceMember? member, EventFilter? filter)
    {
        metrics.Unsubscribed(channel);
        var counted = occupancy.UnsubscribedAsync(channel);
        await groups.RemoveAsync(connectionId, channel, filter).ConfigureAwait(false);
        if (filter is not null)
        {
            await filters.RemoveAsync(channel, filter).ConfigureAwait(false);
        }

        await counted.ConfigureAwait(false);
        ChannelsLog.Unsubscribed(logger, connectionId, channel.Value);
        if (member is not null)
        {
            await presence.LeaveAsync(channel, member.Id, connectionId, "left", CancellationToken.None).ConfigureAwait(false);
        }
    }
}

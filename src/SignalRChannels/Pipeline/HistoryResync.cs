using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Pipeline;

/// <summary>
/// After the backplane lost messages (Redis went away and came back), hands each subscriber of a history channel on
/// this node the channel's newest event, straight to its connection. A subscriber that has it drops it as a duplicate;
/// one that missed events sees the offset hole (or the new epoch) and fills it from history, as it would on the next
/// live event — so a channel's last event before a quiet period is not left undetected. One store read per local
/// history channel with subscribers, one message per local subscription.
/// </summary>
internal sealed class HistoryResync(ConnectionRegistry connections, ChannelRegistry registry, IChannelEventStore history, HubClientsAccessor hubs)
{
    private static readonly HistoryQuery s_newest = new() { Limit = 1, Reverse = true };

    /// <returns>How many subscriptions were handed an event.</returns>
    public async Task<int> ResyncAsync(CancellationToken cancellationToken)
    {
        if (!hubs.IsMapped)
        {
            return 0;
        }

        var sent = 0;
        foreach (var (channel, subscribers) in connections.SubscribersByChannel(c => registry.HistoryFor(c) is not null))
        {
            var page = await history.ReadAsync(channel, s_newest, cancellationToken).ConfigureAwait(false);
            if (page.Events is not [var newest, ..])
            {
                continue;
            }

            foreach (var connectionId in subscribers)
            {
                await hubs.Clients.Client(connectionId).SendAsync(ChannelEvent.ClientMethodName, newest, cancellationToken).ConfigureAwait(false);
                sent++;
            }
        }

        return sent;
    }
}

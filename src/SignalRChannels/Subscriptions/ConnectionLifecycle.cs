using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using SignalRChannels.Internal;
using SignalRChannels.Presence;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// A channel connection's arrival and departure: registers it, and when it closes ends every subscription it
/// had (SignalR has already removed it from its groups; presence is left with reason <c>disconnected</c>).
/// </summary>
internal sealed class ConnectionLifecycle(
    ConnectionRegistry connections,
    PresenceTracker presence,
    Pipeline.FilterInterest filters,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<ConnectionLifecycle> logger)
{
    public void OnConnected(ChannelCaller caller)
    {
        if (!connections.TryAdd(caller.ConnectionId, caller.UserId))
        {
            ChannelsLog.TooManyConnections(logger, caller.ConnectionId, caller.UserId!);

            // Thrown from OnConnectedAsync, SignalR closes the connection with this message and no reconnect.
            throw new HubException($"{ChannelErrorCodes.LimitExceeded}: this user holds the most connections allowed on this node; close one first");
        }

        metrics.Connected();
    }

    public async Task OnDisconnectedAsync(string connectionId)
    {
        if (!connections.TryRemove(connectionId, out var connection))
        {
            return;
        }

        // After the connection's in-flight subscribe (cancelled by the close) has finished or undone itself.
        KeyValuePair<ChannelName, PresenceMember?>[] subscriptions;
        KeyValuePair<ChannelName, EventFilter>[] filtered;
        using (await connection.LockAsync().ConfigureAwait(false))
        {
            subscriptions = connection.RemoveAll();
            filtered = connection.TakeFilters();
        }

        // SignalR drops the connection from its groups itself; what this node announced for its filters is ours to withdraw.
        foreach (var (channel, filter) in filtered)
        {
            await filters.RemoveAsync(channel, filter).ConfigureAwait(false);
        }

        connection.Dispose();
        metrics.Disconnected();
        foreach (var (channel, _) in subscriptions)
        {
            metrics.Unsubscribed(channel);
        }

        ChannelsLog.ConnectionRemoved(logger, connectionId, subscriptions.Length);
        foreach (var (channel, member) in subscriptions)
        {
            if (member is not null)
            {
                await presence.LeaveAsync(channel, member.Id, connectionId, "disconnected", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}

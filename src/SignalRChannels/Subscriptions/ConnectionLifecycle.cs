using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using SignalRChannels.Presence;
using SignalRChannels.Query;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// A channel connection's arrival and departure: registers it (and counts it in the node's occupancy), and when it
/// closes ends every subscription it had (SignalR has already removed it from its groups; presence is left with
/// reason <c>disconnected</c>).
/// </summary>
// Eight dependencies: the registry, presence, filter interest, occupancy and metrics each record the connection; options
// and time describe it.
internal sealed class ConnectionLifecycle(
    ConnectionRegistry connections,
    PresenceTracker presence,
    Pipeline.FilterInterest filters,
    NodeOccupancy occupancy,
    IOptions<PresenceOptions> presenceOptions,
    TimeProvider timeProvider,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<ConnectionLifecycle> logger)
{
    public async Task OnConnectedAsync(ChannelCaller caller)
    {
        if (!connections.TryAdd(caller.ConnectionId, caller.UserId))
        {
            ChannelsLog.TooManyConnections(logger, caller.ConnectionId, caller.UserId!);

            // Thrown from OnConnectedAsync, SignalR closes the connection with this message and no reconnect.
            throw new HubException($"{ChannelErrorCodes.LimitExceeded}: this user holds the most connections allowed on this node; close one first");
        }

        var connection = connections.Get(caller.ConnectionId);
        connection.Info = ConnectionDescriber.Describe(caller, presenceOptions.Value.NodeId, timeProvider.GetUtcNow());
        connection.Traffic = caller.Hub?.Features.Get<Diagnostics.ConnectionTraffic>();
        metrics.Connected();
        await occupancy.ConnectedAsync(connection.Info).ConfigureAwait(false);
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

        // Counted while presence is left: neither waits for the other's store.
        var counted = connection.Info is { } info
            ? occupancy.DisconnectedAsync(info, subscriptions.Select(s => s.Key).ToArray())
            : Task.CompletedTask;
        ChannelsLog.ConnectionRemoved(logger, connectionId, subscriptions.Length);
        foreach (var (channel, member) in subscriptions)
        {
            if (member is not null)
            {
                await presence.LeaveAsync(channel, member.Id, connectionId, "disconnected", CancellationToken.None).ConfigureAwait(false);
            }
        }

        await counted.ConfigureAwait(false);
    }
}

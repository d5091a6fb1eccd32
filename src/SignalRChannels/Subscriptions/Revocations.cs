using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// Revocation, cluster-wide: a request becomes a <see cref="ChannelCommand"/> on the command bus, and every
/// node ends the matching subscriptions of its own connections (found through the user index) and tells each
/// connection with <c>channel:unsubscribed</c>, reason <c>revoked</c>.
/// </summary>
internal sealed class Revocations(
    IChannelCommandBus commands,
    ConnectionRegistry connections,
    SubscriptionTeardown teardown,
    HubClientsAccessor hubs,
    TimeProvider timeProvider) : IChannelSubscriptionManager
{
    public Task RemoveUserAsync(string userId, string channelPattern, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ChannelPattern.Parse(channelPattern);
        return commands.PublishAsync(new ChannelCommand(ChannelCommand.RevokeUser, userId, channelPattern), cancellationToken);
    }

    public Task RemoveConnectionAsync(string connectionId, string channelPattern, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ChannelPattern.Parse(channelPattern);
        return commands.PublishAsync(new ChannelCommand(ChannelCommand.RevokeConnection, connectionId, channelPattern), cancellationToken);
    }

    /// <summary>Applies a command to this node's connections.</summary>
    public async Task ApplyAsync(ChannelCommand command)
    {
        if (command.Kind is not (ChannelCommand.RevokeUser or ChannelCommand.RevokeConnection))
        {
            return; // Another feature's command (event filters), or a kind of a newer version.
        }

        var pattern = ChannelPattern.Parse(command.Pattern);
        var targets = command.Kind switch
        {
            ChannelCommand.RevokeUser => connections.OfUser(command.Target),
            ChannelCommand.RevokeConnection => connections.TryGet(command.Target, out var one) ? [one] : [],
            _ => [],
        };

        foreach (var connection in targets)
        {
            using var operation = await connection.LockAsync().ConfigureAwait(false);
            foreach (var (channel, member) in connection.RemoveMatching(pattern))
            {
                await teardown.EndAsync(connection.ConnectionId, channel, member, connection.TakeFilter(channel)).ConfigureAwait(false);
                var notice = new ChannelEvent
                {
                    Channel = channel.Value,
                    Event = EventNames.Unsubscribed,
                    Data = EventPayload.ToElement(new { reason = "revoked" }),
                    Timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                };
                await hubs.Clients.Client(connection.ConnectionId).SendAsync(ChannelEvent.ClientMethodName, notice).ConfigureAwait(false);
            }
        }
    }
}

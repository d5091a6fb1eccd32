namespace SignalRChannels;

/// <summary>
/// Acts on live subscriptions from the server, cluster-wide: revokes a user's or a connection's
/// subscriptions by channel pattern. Revoked connections receive <c>channel:unsubscribed</c> with reason
/// <c>revoked</c> and stop receiving the channel's events at once.
/// </summary>
public interface IChannelSubscriptionManager
{
    /// <summary>Removes every subscription of a user (all their connections, on every node) to channels that match a pattern.</summary>
    /// <param name="userId">The user identifier (SignalR's <c>IUserIdProvider</c>, by default the name identifier claim).</param>
    /// <param name="channelPattern">A channel pattern, for example <c>private-orders.*</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the command has been sent to every node.</returns>
    Task RemoveUserAsync(string userId, string channelPattern, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection's subscriptions to channels that match a pattern, wherever the connection lives.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="channelPattern">A channel pattern, for example <c>*</c> for all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the command has been sent to every node.</returns>
    Task RemoveConnectionAsync(string connectionId, string channelPattern, CancellationToken cancellationToken = default);
}

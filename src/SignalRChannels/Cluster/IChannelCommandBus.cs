namespace SignalRChannels;

/// <summary>
/// Carries <see cref="ChannelCommand"/>s to every node of the cluster, the publishing node included: in memory
/// on one node (the default), a capped Redis stream read by every node with <c>AddRedis()</c> (pub/sub only wakes the
/// readers). Each node applies each command once, in the order sent, including commands sent while its connection to
/// Redis was being restored; a node that was cut off for more than the last 1,000 commands misses the older ones
/// (revocations are re-checked on every subscribe anyway).
/// This seam may gain members as clustering features grow; implementations live beside the stores.
/// </summary>
public interface IChannelCommandBus
{
    /// <summary>Sends a command to every node.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the command has been handed to the transport.</returns>
    Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers the commands of every node to <paramref name="handler"/> until <paramref name="cancellationToken"/>
    /// is cancelled. Called once per node, in the background when the host starts; an implementation that cannot
    /// subscribe yet keeps retrying until it can or until the token is cancelled (host shutdown). Malformed
    /// messages are dropped and logged, never thrown.
    /// </summary>
    /// <param name="handler">Applies one command to this node's connections.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes once subscribed, or when cancelled.</returns>
    Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken);
}

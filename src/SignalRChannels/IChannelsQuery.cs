namespace SignalRChannels;

/// <summary>
/// Answers "which channels are occupied, by how many subscriptions, who is present, where is this user connected,
/// how many connections does each node hold" — cluster-wide when channels are scaled out with Redis, for this node
/// with the in-memory default. Resolve it from DI anywhere in the app.
/// </summary>
/// <remarks>
/// <para>
/// Counts are kept per node under the node's presence lease (on Redis: one small hash per node), so no answer costs
/// more with the number of connections: occupied channels cost O(nodes × occupied channels), a channel's count
/// O(nodes), a user's connections O(nodes). A node that dies stops counting as soon as its lease expires
/// (<see cref="PresenceOptions.MemberTimeout"/>) and its counts are removed by the same sweep that removes its
/// presence members.
/// </para>
/// <para>
/// A change made on a node (connect, subscribe, unsubscribe, disconnect) is visible to every node's queries once the
/// operation that made it has completed. Members come from the <see cref="IPresenceStore"/>.
/// </para>
/// </remarks>
public interface IChannelsQuery
{
    /// <summary>Lists the channels that have at least one subscription anywhere in the cluster.</summary>
    /// <param name="prefix">Only channels whose full name starts with this (ordinal), for example <c>presence-</c>; null or empty for all.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Each occupied channel once, ordered by name, with its subscription count; <see cref="ChannelOccupancy.UserCount"/> is not filled in.</returns>
    ValueTask<IReadOnlyList<ChannelOccupancy>> GetOccupiedChannelsAsync(string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>Describes one channel: its subscription count and, for a presence channel, its user count.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The channel's occupancy; a channel nobody subscribes to answers zero subscriptions.</returns>
    ValueTask<ChannelOccupancy> GetChannelAsync(ChannelName channel, CancellationToken cancellationToken = default);

    /// <summary>Lists the members of a presence channel, on every node.</summary>
    /// <param name="channel">The presence channel.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Each member once, in no particular order; none for a channel that is not a presence channel.</returns>
    ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken = default);

    /// <summary>Lists the live connections of a user (SignalR's user identifier), on every node.</summary>
    /// <param name="userId">The user identifier.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The user's connections, oldest first; anonymous connections are never listed.</returns>
    ValueTask<IReadOnlyList<ChannelsConnectionInfo>> GetUserConnectionsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Lists the live nodes and the number of channel connections each holds.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per node whose lease is alive, ordered by node id.</returns>
    ValueTask<IReadOnlyList<ChannelsNodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The statistics of a connection held by this node (find a user's connections and their nodes with
    /// <see cref="GetUserConnectionsAsync"/>); they are kept in the node's memory only, never in Redis.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <returns>The connection's statistics, or null when this node does not hold the connection.</returns>
    ChannelsConnectionStatistics? GetConnectionStatistics(string connectionId);
}

namespace SignalRChannels;

/// <summary>
/// Tracks the members of presence channels, cluster-wide. A member is a user (<see cref="PresenceMember.Id"/>),
/// not a connection: a member joins with its first connection anywhere in the cluster and leaves with its last one.
/// </summary>
/// <remarks>
/// <para>
/// Every connection is held by the node (<see cref="NodeId"/>) that joined it, under that node's lease. The lease
/// lives while the node calls <see cref="HeartbeatAsync"/> every <see cref="PresenceOptions.HeartbeatInterval"/>;
/// once it is older than <see cref="PresenceOptions.MemberTimeout"/>, any other node's <see cref="SweepAsync"/>
/// removes the dead node's connections and reports each member that thereby left, exactly once cluster-wide.
/// </para>
/// <para>
/// Guarantees of every implementation: join and leave are atomic per connection and idempotent; a member is
/// reported joined once per presence (first connection) and left once (last connection); a channel is reported
/// occupied with its first member and vacated with its last; the cost of a heartbeat does not depend on the number
/// of connections.
/// </para>
/// </remarks>
public interface IPresenceStore
{
    /// <summary>The id of this node; its connections live under its lease.</summary>
    string NodeId { get; }

    /// <summary>Adds a connection of a member to a channel.</summary>
    /// <param name="channel">The presence channel.</param>
    /// <param name="member">The member; its info is kept from the member's first connection.</param>
    /// <param name="connectionId">The connection, unique in the cluster.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// Whether this was the member's first connection in the channel, cluster-wide, and whether the member is the
    /// channel's first. Joining a connection that is already in the channel changes nothing and reports neither.
    /// </returns>
    /// <exception cref="ChannelException">The member's info is larger than <see cref="PresenceOptions.MaxMemberInfoBytes"/> (<c>payload_too_large</c>).</exception>
    ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken);

    /// <summary>Removes a connection from a channel. Unknown connections are ignored.</summary>
    /// <param name="channel">The presence channel.</param>
    /// <param name="memberId">The member the connection joined as; the store's own record of the connection wins.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The member when this was its last connection, and whether the channel is now empty.</returns>
    ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken);

    /// <summary>Lists the distinct members of a channel, on every node.</summary>
    /// <param name="channel">The presence channel.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Each member once, in no particular order.</returns>
    ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken);

    /// <summary>Counts the distinct members of a channel, on every node.</summary>
    /// <param name="channel">The presence channel.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of members.</returns>
    ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken);

    /// <summary>
    /// Renews this node's lease. Call it every <see cref="PresenceOptions.HeartbeatInterval"/>; its cost does not
    /// depend on the number of connections (one Redis command).
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see langword="true"/> when the lease this call renewed is the one this store's previous heartbeat left (or this
    /// is its first heartbeat); <see langword="false"/> when the lease was gone or replaced in between — the store lost
    /// this node's entries (a Redis restart without persistence) or another node swept them — so the node's live
    /// connections must be joined again.
    /// </returns>
    ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes the connections of every other node whose lease is older than <see cref="PresenceOptions.MemberTimeout"/>.
    /// Safe to call from every node at once: each dead node is claimed by exactly one caller.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// One entry per member that lost its last connection in a channel because of this sweep; no other caller
    /// reports the same entry.
    /// </returns>
    ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken);
}

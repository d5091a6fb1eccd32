using Microsoft.Extensions.Options;
using SignalRChannels.Persistence;
using SignalRChannels.Pipeline;
using SignalRChannels.Presence;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// The steps of an admitted subscribe, in the order that loses nothing: announce the event filter (if any) and join
/// the group of the channel (or of the channel and filter), read the history position (or recover), then join
/// presence. A failure undoes what was done.
/// </summary>
internal sealed class ChannelJoiner(
    ChannelGroupMembership groups, FilterInterest filters, ChannelPositions positions, PresenceTracker presence, IOptions<PresenceOptions> presenceOptions)
{
    private readonly int _maxMembers = presenceOptions.Value.MaxMembersPerResponse;

    /// <summary>The event filter a subscribe asks for, and the one the subscription had before (a refresh).</summary>
    public readonly record struct FilterChange(EventFilter? Filter, EventFilter? Previous);

    /// <param name="caller">Who subscribes.</param>
    /// <param name="name">The channel.</param>
    /// <param name="since">The position the client had, if any.</param>
    /// <param name="member">The presence member the subscription was authorized as.</param>
    /// <param name="previous">The member of the subscription this one refreshes, if it existed.</param>
    /// <param name="existed">Whether the connection was subscribed already (a refresh: nothing to undo on failure).</param>
    /// <param name="change">The event filter asked for and the one held before.</param>
    public async Task<SubscribeResult> JoinAsync(
        ChannelCaller caller, ChannelName name, StreamPosition? since, PresenceMember? member, PresenceMember? previous, bool existed, FilterChange change)
    {
        var filter = change.Filter;
        var sameFilter = existed && change.Previous?.Key == filter?.Key;
        var joinedPresence = false;
        try
        {
            // Announce the filter first, so publishes after this subscribe returns are sent to its group; join the
            // group before reading history, so an event published meanwhile is in `missed`, delivered live, or both
            // (clients drop the duplicate by offset).
            if (filter is not null && !sameFilter)
            {
                await filters.AddAsync(name, filter).ConfigureAwait(false);
            }

            await groups.AddAsync(caller.ConnectionId, name, filter, caller.Aborted).ConfigureAwait(false);
            if (existed && !sameFilter)
            {
                await groups.RemoveAsync(caller.ConnectionId, name, change.Previous).ConfigureAwait(false);
                if (change.Previous is not null)
                {
                    await filters.RemoveAsync(name, change.Previous).ConfigureAwait(false);
                }
            }

            var result = await positions.ReadAsync(name, since, filter, caller.Aborted).ConfigureAwait(false);
            if (name.Kind != ChannelKind.Presence)
            {
                return result;
            }

            if (existed && previous is not null && previous.Id != member!.Id)
            {
                await presence.LeaveAsync(name, previous.Id, caller.ConnectionId, "left", CancellationToken.None).ConfigureAwait(false);
            }

            joinedPresence = true;
            var members = await presence.JoinAsync(name, member!, caller.ConnectionId, caller.Aborted).ConfigureAwait(false);
            var firstPage = MemberPages.Read(members, after: null, _maxMembers);
            return new SubscribeResult
            {
                Channel = result.Channel,
                Position = result.Position,
                Recovered = result.Recovered,
                Missed = result.Missed,
                Members = firstPage.Members,
                MembersNext = firstPage.Next,
            };
        }
        catch when (!existed)
        {
            await groups.RemoveAsync(caller.ConnectionId, name, filter).ConfigureAwait(false);
            if (filter is not null)
            {
                await filters.RemoveAsync(name, filter).ConfigureAwait(false);
            }

            if (joinedPresence)
            {
                await presence.TryLeaveAsync(name, member!.Id, caller.ConnectionId).ConfigureAwait(false);
            }

            throw;
        }
    }
}

using Microsoft.Extensions.Options;
using SignalRChannels.Persistence;
using SignalRChannels.Presence;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// The steps of an admitted subscribe, in the order that loses nothing: join the channel's group, read the
/// history position (or recover), then join presence. A failure undoes what was done.
/// </summary>
internal sealed class ChannelJoiner(ChannelGroupMembership groups, ChannelPositions positions, PresenceTracker presence, IOptions<PresenceOptions> presenceOptions)
{
    private readonly int _maxMembers = presenceOptions.Value.MaxMembersPerResponse;

    /// <param name="caller">Who subscribes.</param>
    /// <param name="name">The channel.</param>
    /// <param name="since">The position the client had, if any.</param>
    /// <param name="member">The presence member the subscription was authorized as.</param>
    /// <param name="previous">The member of the subscription this one refreshes, if it existed.</param>
    /// <param name="existed">Whether the connection was subscribed already (a refresh: nothing to undo on failure).</param>
    public async Task<SubscribeResult> JoinAsync(ChannelCaller caller, ChannelName name, StreamPosition? since, PresenceMember? member, PresenceMember? previous, bool existed)
    {
        var joinedPresence = false;
        try
        {
            // Join the group before reading history: an event published meanwhile is then either in
            // `missed` or delivered live (or both; clients drop the duplicate by offset).
            await groups.AddAsync(caller.ConnectionId, name, caller.Aborted).ConfigureAwait(false);
            var result = await positions.ReadAsync(name, since, caller.Aborted).ConfigureAwait(false);
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
            await groups.RemoveAsync(caller.ConnectionId, name).ConfigureAwait(false);
            if (joinedPresence)
            {
                await presence.TryLeaveAsync(name, member!.Id, caller.ConnectionId).ConfigureAwait(false);
            }

            throw;
        }
    }
}

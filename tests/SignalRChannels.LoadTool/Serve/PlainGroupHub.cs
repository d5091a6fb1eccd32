using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// The plain SignalR baseline: a channel is a group. Its <c>Subscribe</c> takes the same arguments as the channels
/// hub's, so the clients send identical bytes to both. A <c>presence-</c> channel gets the presence an app would
/// write by hand on plain SignalR: the member list in memory, <c>member:joined</c> / <c>member:left</c> sent to the
/// others in the group, and the members returned from <c>Subscribe</c>.
/// </summary>
internal sealed class PlainGroupHub(PlainPresence presence, TimeProvider time) : Hub
{
    public async Task<object> Subscribe(string channel, object? options)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, channel, Context.ConnectionAborted);
        if (!channel.StartsWith(LoadWire.PresenceChannelPrefix, StringComparison.Ordinal))
        {
            return new PlainSubscribeResult(channel);
        }

        var member = new PlainMember(Context.UserIdentifier ?? Context.ConnectionId, new PlainMemberInfo(Context.User?.Identity?.Name));
        var members = presence.Join(channel, Context.ConnectionId, member);
        await Clients.OthersInGroup(channel).SendAsync(LoadWire.ClientMethod, new PlainPresenceEvent(channel, "member:joined", member, Now()));
        return new PlainPresenceResult(channel, members);
    }

    public async Task Unsubscribe(string channel)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, channel);
        await LeftAsync(channel);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var channel in presence.ChannelsOf(Context.ConnectionId))
        {
            await LeftAsync(channel);
        }
    }

    private async Task LeftAsync(string channel)
    {
        if (presence.Leave(channel, Context.ConnectionId) is { } member)
        {
            await Clients.Group(channel).SendAsync(LoadWire.ClientMethod, new PlainPresenceEvent(channel, "member:left", member, Now()));
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>What the plain hub's <c>Subscribe</c> returns.</summary>
internal sealed record PlainSubscribeResult(string Channel);

/// <summary>What the plain hub's <c>Subscribe</c> to a presence channel returns: the members, the caller included.</summary>
internal sealed record PlainPresenceResult(string Channel, IReadOnlyCollection<PlainMember> Members);

/// <summary>A presence member of the plain baseline: the same <c>{id, info}</c> shape as a channels member.</summary>
internal sealed record PlainMember(string Id, PlainMemberInfo Info);

internal sealed record PlainMemberInfo(string? Name);

/// <summary>The plain baseline's presence event, in the channels' <c>ChannelEvent</c> envelope shape.</summary>
internal sealed record PlainPresenceEvent(string Channel, string Event, PlainMember Data, long Timestamp);

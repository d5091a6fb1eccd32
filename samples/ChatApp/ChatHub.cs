using SignalRChannels;

namespace ChatApp;

/// <summary>The chat's hub: channels come from <see cref="ChannelHub"/>; sending a message is an app method.</summary>
public sealed class ChatHub : ChannelHub
{
    private const int MaxMessageLength = 2000;

    /// <summary>Posts a message to a room; everyone subscribed to the room receives it, the sender included.</summary>
    public Task SendMessage(string room, string text)
    {
        var message = Validate(text);
        return Channels.Channel(Rooms.Channel(room)).PublishAsync("message", Message(message), Context.ConnectionAborted);
    }

    /// <summary>Sends a direct message to another user on their private channel <c>private-dm.{a}.{b}</c>.</summary>
    public async Task SendDirect(string toUserId, string text)
    {
        var message = Validate(text);
        var me = Context.User!.UserId()!;
        if (toUserId == me || Users.IdFor(toUserId) != toUserId)
        {
            throw new Microsoft.AspNetCore.SignalR.HubException("invalid_argument: no such user");
        }

        await Channels.Channel(DirectChannel.Between(me, toUserId)).PublishAsync("message", Message(message), Context.ConnectionAborted);
        await Channels.Channel(new UserInbox(toUserId))
            .PublishAsync("direct", new DirectNotice(me, Context.User!.Identity!.Name!), Context.ConnectionAborted);
    }

    private ChatMessage Message(string text) =>
        new(Guid.NewGuid().ToString("N"), Context.User!.UserId()!, Context.User!.Identity!.Name!, text);

    private static string Validate(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        return trimmed.Length is > 0 and <= MaxMessageLength
            ? trimmed
            : throw new Microsoft.AspNetCore.SignalR.HubException($"invalid_argument: a message has 1 to {MaxMessageLength} characters");
    }
}

using Microsoft.AspNetCore.SignalR;
using SignalRChannels;

namespace ChannelsApp;

/// <summary>
/// The app's hub. <see cref="ChannelHub"/> brings the channel methods (Subscribe, Whisper, GetHistory, …); app methods
/// such as <see cref="SendMessage"/> sit beside them on the same connection.
/// </summary>
public sealed class ChatHub : ChannelHub
{
    /// <summary>Posts a message to a chat room; every subscriber of <c>presence-chat.{room}</c> receives it.</summary>
    public Task SendMessage(string room, string text)
    {
        var message = text?.Trim() ?? string.Empty;
        if (message.Length is 0 or > 1000)
        {
            // "code: detail" reaches the client as a typed error (ChannelError.code === "invalid_argument").
            throw new HubException("invalid_argument: a message has 1 to 1000 characters");
        }

        return Channels.Channel($"presence-chat.{room}")
            .PublishAsync("message", new { user = Context.User!.Identity!.Name, text = message }, Context.ConnectionAborted);
    }
}

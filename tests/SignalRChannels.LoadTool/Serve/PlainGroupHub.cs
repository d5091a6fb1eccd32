using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// The plain SignalR baseline: a channel is a group. Its <c>Subscribe</c> takes the same arguments as the channels
/// hub's, so the clients send identical bytes to both.
/// </summary>
internal sealed class PlainGroupHub : Hub
{
    public async Task<PlainSubscribeResult> Subscribe(string channel, object? options)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, channel, Context.ConnectionAborted);
        return new PlainSubscribeResult(channel);
    }

    public Task Unsubscribe(string channel) => Groups.RemoveFromGroupAsync(Context.ConnectionId, channel);
}

/// <summary>What the plain hub's <c>Subscribe</c> returns.</summary>
internal sealed record PlainSubscribeResult(string Channel);

using Microsoft.Extensions.Options;

namespace SignalRChannels.Api;

/// <summary>The core's channel names as they are; any connection id shape (SignalR's, the Pusher endpoint's).</summary>
internal sealed class CoreChannelNamespace(IOptions<ChannelsOptions> options) : IChannelNamespace
{
    private const int MaxSocketIdLength = 128;

    public bool TryToCore(string? name, out ChannelName channel, out string? error)
    {
        channel = default;
        if (string.IsNullOrEmpty(name))
        {
            error = "the channel name is missing";
            return false;
        }

        return ChannelName.TryParse(name, options.Value.MaxChannelNameLength, out channel, out error);
    }

    public string? ToExternal(string coreName) => coreName;

    public bool IsWellFormedSocketId(string socketId) =>
        socketId.Length is > 0 and <= MaxSocketIdLength
        && !socketId.AsSpan().ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");
}

namespace SignalRChannels.Api;

/// <summary>
/// The channel names an HTTP API caller sees: the core's own names (<c>MapChannelsApi</c>), or one Pusher app's names
/// (the Pusher package maps non-default apps into their own part of the core's channel space).
/// </summary>
internal interface IChannelNamespace
{
    /// <summary>The core channel of a caller's name, or a reason it is not a valid name.</summary>
    bool TryToCore(string? name, out ChannelName channel, out string? error);

    /// <summary>The caller's name of a core channel, or null when the channel belongs to another namespace.</summary>
    string? ToExternal(string coreName);

    /// <summary>Whether a value can be the id of a connection (the <c>socket_id</c> to exclude from a publish).</summary>
    bool IsWellFormedSocketId(string socketId);
}

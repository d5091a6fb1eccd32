namespace SignalRChannels.LoadTool.Serve;

/// <summary>The servers under test; each can run alone or, except <see cref="Raw"/>, on Redis.</summary>
internal enum ServerKind
{
    /// <summary>A <see cref="ChannelHub"/> publishing through <see cref="IChannelBroadcaster"/>.</summary>
    Channels,

    /// <summary>A plain SignalR hub with groups: the baseline channels must keep up with.</summary>
    Plain,

    /// <summary>A bare WebSocket fan-out: the floor under any SignalR server.</summary>
    Raw,

    /// <summary>The <see cref="Channels"/> server with the Pusher protocol endpoint mapped too (clients connect to it).</summary>
    Pusher,

    /// <summary>The <see cref="Channels"/> server with one publish middleware that only passes events on.</summary>
    ChannelsMiddleware,

    /// <summary>The Socket.IO 4 peer (<c>tests/socketio-peer</c>, Node), a room per channel; not a <c>serve</c> kind of this tool.</summary>
    SocketIo,
}

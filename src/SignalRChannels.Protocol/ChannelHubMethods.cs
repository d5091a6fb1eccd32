namespace SignalRChannels;

/// <summary>The hub method names of wire protocol v1 (client to server) and the one client method (server to client).</summary>
public static class ChannelHubMethods
{
    /// <summary><c>Subscribe(channel, options)</c>.</summary>
    public const string Subscribe = "Subscribe";

    /// <summary><c>SubscribeMany(channels, options)</c>.</summary>
    public const string SubscribeMany = "SubscribeMany";

    /// <summary><c>Unsubscribe(channel)</c>.</summary>
    public const string Unsubscribe = "Unsubscribe";

    /// <summary><c>Whisper(channel, event, data)</c>.</summary>
    public const string Whisper = "Whisper";

    /// <summary><c>GetMembers(channel)</c>.</summary>
    public const string GetMembers = "GetMembers";

    /// <summary><c>GetMembersPage(channel, options)</c>: the members a page at a time (an addition to v1).</summary>
    public const string GetMembersPage = "GetMembersPage";

    /// <summary><c>GetHistory(channel, options)</c>.</summary>
    public const string GetHistory = "GetHistory";

    /// <summary><c>GetSocketId()</c>: the connection's socket id, for <c>toOthers</c> publishing.</summary>
    public const string GetSocketId = "GetSocketId";

    /// <summary><c>Heartbeat(roundTripMs)</c>: optional; reports a measured round trip and returns the server's clock.</summary>
    public const string Heartbeat = "Heartbeat";

    /// <summary>The client method that receives every <see cref="ChannelEvent"/>: <c>ChannelEvent</c>.</summary>
    public const string ChannelEvent = "ChannelEvent";
}

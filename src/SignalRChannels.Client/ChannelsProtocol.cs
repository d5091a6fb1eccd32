namespace SignalRChannels.Client;

/// <summary>The SignalR hub protocol the client speaks. Both carry the same camelCase field names.</summary>
public enum ChannelsProtocol
{
    /// <summary>The JSON hub protocol (text; works over every transport).</summary>
    Json,

    /// <summary>The MessagePack hub protocol (binary; WebSockets and long polling, not Server-Sent Events).</summary>
    MessagePack,
}

namespace SignalRChannels.Client;

/// <summary>The state of the one connection a <see cref="ChannelsClient"/> shares between its channels.</summary>
public enum ConnectionState
{
    /// <summary>Not connected and not trying to: before <see cref="ChannelsClient.StartAsync"/>, after <see cref="ChannelsClient.StopAsync"/>, or when reconnection gave up.</summary>
    Disconnected,

    /// <summary>The first connection attempt is in progress.</summary>
    Connecting,

    /// <summary>Connected; channels are (re)subscribed.</summary>
    Connected,

    /// <summary>The connection was lost and the reconnection policy is trying to restore it.</summary>
    Reconnecting,
}

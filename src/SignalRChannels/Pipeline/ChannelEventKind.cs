namespace SignalRChannels;

/// <summary>Where an event passing the publish middleware comes from.</summary>
public enum ChannelEventKind
{
    /// <summary>A server publish: <see cref="IChannelBroadcaster"/>, a hub's <c>Channels</c>, or a typed <see cref="IBroadcastEvent"/>.</summary>
    Server,

    /// <summary>A client event (<c>Whisper</c>); its name starts with <c>client-</c> and <see cref="ChannelEventContext.From"/> is the sender.</summary>
    Whisper,

    /// <summary>A presence event (<c>member:joined</c>, <c>member:left</c>): it may be enriched, never dropped or renamed.</summary>
    Presence,
}

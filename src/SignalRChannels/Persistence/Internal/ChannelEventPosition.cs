namespace SignalRChannels.Persistence.Internal;

/// <summary>Copies of events placed in a stream; <see cref="ChannelEvent"/> is immutable.</summary>
internal static class ChannelEventPosition
{
    /// <summary>A copy of the event with the given offset and epoch.</summary>
    public static ChannelEvent WithPosition(this ChannelEvent channelEvent, long? offset, string? epoch) => new()
    {
        Channel = channelEvent.Channel,
        Event = channelEvent.Event,
        Data = channelEvent.Data,
        Timestamp = channelEvent.Timestamp,
        From = channelEvent.From,
        Offset = offset,
        Epoch = epoch,
    };
}
